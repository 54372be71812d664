import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countedUnitsOf, countsFirstTime, type CountedUnit, type UnitChange } from '#domain/delivery';
import { countedUnitsExpiry } from '#domain/retention';
import type { EpochSeconds } from '#domain/time';
import type { InboundMessageEvent } from '#webhook/events';
import type { ContactRef } from './contact-store';
import { aggregateCellItem, shardOf } from './items/aggregate-cell';
import { templateCellItem } from './items/template-cell';
import { conversationItem, moveCondition, slotCondition, toConversationItem } from './items/conversation';
import { countedUnitsItem, liveCountedUnits, toCountedUnitsItem } from './items/counted-units';
import { ledgerEntryItem, openerCondition, toLedgerEntryItem } from './items/ledger-entry';
import { messageConditions, messageItem, toInboundMessageItem, toOutboundMessageItem } from './items/message';
import type { TableKey } from './table-schema';
import { historyItems, moveMessage } from './dynamodb-history-index';
import { windowConditions, windowItem } from './items/window';
import {
  contactHistoryOf,
  historyRange,
  storedMessageOf,
  type CommitInput,
  type ContactHistory,
  type HistoryRead,
  type CommitResult,
  type MessageLedger,
  type StoredMessage,
} from './message-ledger';

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** The values every cell update (aggregate and template cells) sets: the delta and the billing unit. */
const unitValues = (change: UnitChange) => ({
  ':delta': change.delta,
  ':day': change.unit.day,
  ':pn': change.unit.phoneNumberId,
  ':country': change.unit.country,
  ':category': change.unit.category,
  ':model': change.unit.pricingModel,
  ':type': change.unit.pricingType,
});

/** The message ledger on the single table: one item per message, its effects in the same transaction. */
export class DynamoDbMessageLedger implements MessageLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordInbound(
    contact: ContactRef,
    message: InboundMessageEvent,
    retainUntil: EpochSeconds,
  ): Promise<'recorded' | 'duplicate'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toInboundMessageItem(contact, message, retainUntil),
          ConditionExpression: messageConditions.notThereYet,
        }),
      );
      return 'recorded';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  async readMessage(wamid: string, now?: EpochSeconds): Promise<StoredMessage | undefined> {
    return storedMessageOf(await this.item(messageItem.key(wamid)), now);
  }

  async readCountedUnits(wamid: string, now: EpochSeconds): Promise<CountedUnit[] | undefined> {
    return liveCountedUnits(await this.item(countedUnitsItem.key(wamid)), now);
  }

  private async item(key: TableKey): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  async commitMessage(input: CommitInput): Promise<CommitResult> {
    const { message, changes, previousVersion } = input;
    const state = message.state;
    const messagePut = {
      TableName: this.tableName,
      Item: toOutboundMessageItem(message, input.retainUntil),
      ...(previousVersion === undefined
        ? input.now === undefined
          ? { ConditionExpression: messageConditions.notThereYet }
          : {
              ConditionExpression: messageConditions.notLive,
              ExpressionAttributeValues: { ':now': input.now },
            }
        : {
            ConditionExpression: messageConditions.versionRead,
            ExpressionAttributeValues: { ':previousVersion': previousVersion },
          }),
    };
    if (changes.unitChanges.length === 0 && !changes.conversation && !changes.withdrawn && !input.checks) {
      try {
        await this.client.send(new PutCommand(messagePut));
        return 'committed';
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return 'message-changed';
        throw error;
      }
    }

    const items: TransactItems = [{ Put: messagePut }];
    const cellUpdate = (change: UnitChange, shard: number) => ({
      Update: {
        TableName: this.tableName,
        Key: aggregateCellItem.key(change.kind, change.unit, shard),
        UpdateExpression:
          'ADD #units :delta SET #kind = :kind, #day = :day, phoneNumberId = :pn, country = :country, ' +
          'category = :category, pricingModel = :model, pricingType = :type',
        ExpressionAttributeNames: { '#units': 'units', '#kind': 'kind', '#day': 'day' },
        ExpressionAttributeValues: { ...unitValues(change), ':kind': change.kind },
      },
    });
    const shard = shardOf(state.id);
    for (const change of changes.unitChanges) items.push(cellUpdate(change, shard));
    const superseded = input.superseded ?? [];
    if (input.checks) {
      // The send's expectation, still true: the slot holds the conversation, the window is unchanged.
      const { category, conversationId, windowRev } = input.checks;
      items.push({
        ConditionCheck: {
          TableName: this.tableName,
          Key: conversationItem.key(state.phoneNumberId, state.contactId, category),
          ConditionExpression: 'conversationId = :id',
          ExpressionAttributeValues: { ':id': conversationId },
        },
      });
      items.push({
        ConditionCheck: {
          TableName: this.tableName,
          Key: windowItem.key(state.phoneNumberId, state.contactId),
          ...(windowRev === undefined
            ? { ConditionExpression: windowConditions.first }
            : {
                ConditionExpression: windowConditions.revision,
                ExpressionAttributeValues: { ':rev': windowRev, ':zero': 0 },
              }),
        },
      });
    }
    // A template's delivered message is counted by template too, beside its message unit (the report's top templates).
    for (const change of changes.unitChanges) {
      if (change.kind !== 'message' || !state.templateName) continue;
      items.push({
        Update: {
          TableName: this.tableName,
          Key: templateCellItem.key(change.unit, state.templateName, shard),
          UpdateExpression:
            'ADD #units :delta SET #day = :day, phoneNumberId = :pn, country = :country, category = :category, ' +
            'pricingModel = :model, pricingType = :type, template = :template',
          ExpressionAttributeNames: { '#units': 'units', '#day': 'day' },
          ExpressionAttributeValues: { ...unitValues(change), ':template': state.templateName },
        },
      });
    }
    const contactKey = (category: string) => conversationItem.key(state.phoneNumberId, state.contactId, category);
    for (const opener of superseded) {
      // The opener of a conversation ours supersedes joins ours: its record, its unit and its ledger entry go.
      items.push({
        Put: {
          TableName: this.tableName,
          Item: toOutboundMessageItem(opener.message, input.retainUntil),
          ConditionExpression: messageConditions.versionRead,
          ExpressionAttributeValues: { ':previousVersion': opener.previousVersion },
        },
      });
      items.push(
        cellUpdate(
          { kind: 'conversation', unit: opener.conversation.unit, delta: -1 },
          shardOf(opener.message.state.id),
        ),
      );
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: ledgerEntryItem.key(opener.conversation.id),
          ConditionExpression: openerCondition,
          ExpressionAttributeValues: {
            ':openedBy': toLedgerEntryItem(opener.message.state, opener.conversation).openedByHash,
          },
        },
      });
      if (opener.deleteSlot) {
        items.push({
          Delete: {
            TableName: this.tableName,
            Key: contactKey(opener.conversation.category),
            ConditionExpression: moveCondition,
            ExpressionAttributeValues: { ':old': opener.conversation.id },
          },
        });
      }
    }
    let slotIndex = -1;
    let ledgerIndex = -1;
    const contact = { phoneNumberId: state.phoneNumberId, contactId: state.contactId };
    if (changes.conversation) {
      const { record, replaces } = changes.conversation;
      if (input.writeConversationItem) {
        if (replaces && replaces.category !== record.category) {
          // Meta's category arrived after we opened ours: move the conversation, if the old slot still holds it.
          items.push({
            Delete: {
              TableName: this.tableName,
              Key: conversationItem.key(contact.phoneNumberId, contact.contactId, replaces.category),
              ConditionExpression: moveCondition,
              ExpressionAttributeValues: { ':old': replaces.id },
            },
          });
        }
        slotIndex = items.length;
        items.push({
          Put: {
            TableName: this.tableName,
            Item: toConversationItem(contact, record),
            ConditionExpression: slotCondition,
            ExpressionAttributeValues: {
              ':openedAt': record.openedAt,
              ':id': record.id,
              ':old': replaces?.id ?? superseded.find((opener) => !opener.deleteSlot)?.conversation.id ?? record.id,
            },
          },
        });
      }
      if (replaces && replaces.id !== record.id) {
        items.push({ Delete: { TableName: this.tableName, Key: ledgerEntryItem.key(replaces.id) } });
      }
      const entry = toLedgerEntryItem(state, record);
      ledgerIndex = items.length;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: entry,
          ConditionExpression: openerCondition,
          ExpressionAttributeValues: { ':openedBy': entry.openedByHash },
        },
      });
    }
    if (changes.withdrawn) {
      const withdrawn = changes.withdrawn;
      if (input.withdrawSlot) {
        items.push({
          Delete: {
            TableName: this.tableName,
            Key: conversationItem.key(contact.phoneNumberId, contact.contactId, withdrawn.category),
            ConditionExpression: moveCondition,
            ExpressionAttributeValues: { ':old': withdrawn.id },
          },
        });
      }
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: ledgerEntryItem.key(withdrawn.id),
          ConditionExpression: openerCondition,
          ExpressionAttributeValues: { ':openedBy': toLedgerEntryItem(state, withdrawn).openedByHash },
        },
      });
    }
    if (countsFirstTime(changes)) {
      // Remembers past the message record that this delivery was counted (items/counted-units.ts).
      const counted = toCountedUnitsItem(
        state.id,
        countedUnitsOf(message.appliedEffects),
        countedUnitsExpiry(input.retainUntil),
      );
      items.push({ Put: { TableName: this.tableName, Item: counted } });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'message-changed';
      if (ledgerIndex >= 0 && reasons[ledgerIndex]?.Code === 'ConditionalCheckFailed') return 'conversation-counted';
      if (slotIndex >= 0 && reasons[slotIndex]?.Code === 'ConditionalCheckFailed') return 'conversation-taken';
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'conversation-taken';
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'contention';
      throw error;
    }
  }

  async readHistory(contact: { phoneNumberId: string; contactId: string }, read: HistoryRead): Promise<ContactHistory> {
    const items = await historyItems(this.client, this.tableName, contact, historyRange(read));
    return contactHistoryOf(items, read);
  }

  async moveHistory(phoneNumberId: string, from: string, into: string): Promise<number> {
    if (from === into) return 0;
    const items = await historyItems(this.client, this.tableName, { phoneNumberId, contactId: from });
    let moved = 0;
    for (const item of items) {
      if (await moveMessage(this.client, this.tableName, item, phoneNumberId, from, into)) moved++;
    }
    return moved;
  }
}
