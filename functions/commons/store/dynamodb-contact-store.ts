import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConversationState } from '#domain/conversation';
import type { EpochSeconds } from '#domain/time';
import { defaultAliasRetention, type AliasRetention, type ContactRef } from './contact-store';
import { keepsSlotCondition } from './contact-state';
import { ContactStoreFlow } from './contact-store-flow';
import { writeIfCondition } from './item-commands';
import { DynamoDbConsentStore } from './dynamodb-consent-store';
import { DynamoDbContactReads } from './dynamodb-contact-reads';
import { DynamoDbMessageLedger } from './dynamodb-message-ledger';
import { DynamoDbPairSlotMerge } from './dynamodb-pair-slot-merge';
import type { AliasItem } from './items/alias';
import type { ContactMergeItem } from './items/contact-merge';
import { windowConditions, windowItem, type WindowItem } from './items/window';

type Item = Record<string, unknown>;

/** Contacts on the single table: alias items and the contact's partition (window, conversations). */
export class DynamoDbContactStore extends ContactStoreFlow {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    retention: AliasRetention = defaultAliasRetention,
  ) {
    super(retention);
    this.reads = new DynamoDbContactReads(client, tableName);
    this.consent = new DynamoDbConsentStore(client, tableName);
    this.messages = new DynamoDbMessageLedger(client, tableName);
    this.pacing = new DynamoDbPairSlotMerge(client, tableName);
  }

  protected readonly reads: DynamoDbContactReads;
  protected readonly consent: DynamoDbConsentStore;
  protected readonly messages: DynamoDbMessageLedger;
  protected readonly pacing: DynamoDbPairSlotMerge;

  protected async putItem(item: AliasItem | ContactMergeItem): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  protected async putConversationKeepingSlot(item: Item, conversation: ConversationState): Promise<void> {
    await writeIfCondition(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: keepsSlotCondition,
        ExpressionAttributeValues: { ':expiresAt': conversation.expiresAt },
      }),
    );
  }

  protected async putWindowOnRevision(item: WindowItem, rev: number | undefined): Promise<boolean> {
    return writeIfCondition(
      this.client,
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ...(rev === undefined
          ? { ConditionExpression: windowConditions.first }
          : {
              ConditionExpression: windowConditions.revision,
              ExpressionAttributeValues: { ':rev': rev, ':zero': 0 },
            }),
      }),
    );
  }

  protected async closeWindowAt(contact: ContactRef, at: EpochSeconds): Promise<void> {
    await writeIfCondition(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: windowItem.key(contact.phoneNumberId, contact.contactId),
        // A new revision, so a user message read before this close is put again on top of it.
        UpdateExpression: 'SET closedAt = :at, rev = if_not_exists(rev, :zero) + :one',
        ConditionExpression: windowConditions.close,
        ExpressionAttributeValues: { ':at': at, ':zero': 0, ':one': 1 },
      }),
    );
  }
}
