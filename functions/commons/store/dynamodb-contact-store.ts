import {
  BatchGetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ConversationState } from '#domain/conversation';
import type { EpochSeconds } from '#domain/time';
import { defaultAliasRetention, type AliasRetention, type ContactRef } from './contact-store';
import { keepsSlotCondition } from './contact-state';
import { ContactStoreFlow } from './contact-store-flow';
import { writeIfCondition } from './item-commands';
import { DynamoDbConsentStore } from './dynamodb-consent-store';
import { DynamoDbMessageLedger } from './dynamodb-message-ledger';
import { DynamoDbPacingStore } from './dynamodb-pacing-store';
import type { AliasItem } from './items/alias';
import type { ContactMergeItem } from './items/contact-merge';
import { contactPk } from './items/contact-partition';
import { windowConditions, windowItem, type WindowItem } from './items/window';
import type { TableKey } from './table-schema';

type Item = Record<string, unknown>;

/** BatchGetItem's retries of what DynamoDB left unprocessed (throttling), before the read fails. */
const BATCH_ATTEMPTS = 5;

/** Contacts on the single table: alias items and the contact's partition (window, conversations). */
export class DynamoDbContactStore extends ContactStoreFlow {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    retention: AliasRetention = defaultAliasRetention,
  ) {
    super(retention);
    this.consent = new DynamoDbConsentStore(client, tableName);
    this.messages = new DynamoDbMessageLedger(client, tableName);
    this.pacing = new DynamoDbPacingStore(client, tableName);
  }

  protected readonly consent: DynamoDbConsentStore;
  protected readonly messages: DynamoDbMessageLedger;
  protected readonly pacing: DynamoDbPacingStore;

  /**
   * One BatchGetItem; keys DynamoDB leaves unprocessed are asked again, since a key left out would
   * read as an item that is not there (a new contact for a known user)
   * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
   */
  protected async readItems(keys: readonly TableKey[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending: Record<string, unknown>[] = [...keys];
    for (let attempt = 0; attempt < BATCH_ATTEMPTS && pending.length > 0; attempt++) {
      const { Responses, UnprocessedKeys } = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[this.tableName] ?? []));
      pending = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    if (pending.length > 0) {
      throw Object.assign(new Error('contact items could not be read: DynamoDB left keys unprocessed'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: {},
      });
    }
    return found;
  }

  protected async partition(phoneNumberId: string, contactId: string): Promise<Item[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': contactPk(phoneNumberId, contactId) },
        ConsistentRead: true,
      }),
    );
    return Items;
  }

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
