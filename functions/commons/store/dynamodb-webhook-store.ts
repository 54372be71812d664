import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ConversationRecord } from '#domain/delivery';
import type { UserIds } from '#domain/identity';
import { currentStatus } from '#domain/message-state';
import { utcDay } from '#domain/delivery';
import { windowExpiry } from '#domain/window';
import type { EpochSeconds } from '#domain/time';
import type { InboundMessageEvent, TemplateCategoryEvent, TemplateStatusEvent } from '#webhook/events';
import { inboundMedia } from '#domain/media';
import { readContactItems } from './contact-items';
import { historyKeys, outboundAt } from './message-history';
import { contactItem, contactPk, keys, shardOf } from './keys';
import type { AliasItem } from './dynamodb-session-store';
import type {
  CommitInput,
  CommitResult,
  ContactRef,
  ContactState,
  KeptRecord,
  StoredMessage,
  WebhookStore,
} from './webhook-store';

/** DynamoDB caps an item at 400 KB; raw payloads kept for inspection are cut well below that. */
const MAX_RAW_CHARS = 300_000;

const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/** Raw content as JSON, cut to size; a value nested too deeply to serialize is kept as a note instead. */
const rawJson = (value: unknown): { text: string; truncated: boolean } => {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'null';
  } catch {
    text = JSON.stringify({ unserializable: 'nested too deeply to keep' });
  }
  return { text: text.slice(0, MAX_RAW_CHARS), truncated: text.length > MAX_RAW_CHARS };
};

/** Fields kept beside the raw copy are cut too, so no single field can push the item over 400 KB. */
const MAX_FIELD_CHARS = 2048;
const cut = <T extends Record<string, unknown>>(fields: T): T =>
  Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      typeof value === 'string' ? value.slice(0, MAX_FIELD_CHARS) : value,
    ]),
  ) as T;

/** A status naming an inbound message's id: not ours to fold, so the event is parked, not retried. */
export class NotABusinessMessageError extends Error {
  override name = 'NotABusinessMessageError';
}

/** Inbound media starts `pending`: inserting it is what the media worker reads from the table's stream. */
const mediaOf = (message: InboundMessageEvent) => {
  const media = inboundMedia(message.type, message.raw);
  return media ? { media } : {};
};

const definedIds = (ids: UserIds): string[] => [ids.userId, ids.waId].filter((id): id is string => Boolean(id));

const conversationItem = (contact: { phoneNumberId: string; contactId: string }, record: ConversationRecord) => ({
  ...keys.conversation(contact.phoneNumberId, contact.contactId, record.category),
  conversationId: record.id,
  category: record.category,
  origin: record.origin,
  openedAt: record.openedAt,
  expiresAt: record.expiresAt,
});

export class DynamoDbWebhookStore implements WebhookStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async resolveContact(phoneNumberId: string, ids: UserIds): Promise<ContactRef> {
    const present = definedIds(ids);
    const first = present[0];
    if (first === undefined) throw new Error('a contact needs a wa_id or a business-scoped user id');
    const both = ids.waId !== undefined && ids.userId !== undefined;
    // With both ids we also read both windows, so a first link keeps whichever window already exists.
    const requested = [
      ...present.map((id) => keys.userAlias(phoneNumberId, id)),
      ...(both ? present.map((id) => keys.window(phoneNumberId, id)) : []),
    ];
    const { Responses } = await this.client.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: requested, ConsistentRead: true } } }),
    );
    const items = Responses?.[this.tableName] ?? [];
    const aliasOf = (id: string | undefined) =>
      id === undefined
        ? undefined
        : (items.find((item) => item.pk === keys.userAlias(phoneNumberId, id).pk) as AliasItem | undefined);
    const aliasU = aliasOf(ids.userId);
    const aliasW = aliasOf(ids.waId);
    let contactId = aliasU?.contactId ?? aliasW?.contactId;
    if (contactId === undefined) {
      if (both) {
        const windows = items.filter((item) => item.sk === contactItem.window);
        const latest = windows.sort((a, b) => Number(b.lastInboundAt) - Number(a.lastInboundAt))[0];
        contactId = latest ? String(latest.pk).slice(contactPk(phoneNumberId, '').length) : (ids.userId as string);
      } else {
        contactId = first;
      }
    }
    const known: UserIds = {
      ...((ids.waId ?? aliasU?.waId ?? aliasW?.waId) ? { waId: ids.waId ?? aliasU?.waId ?? aliasW?.waId } : {}),
      ...((ids.userId ?? aliasW?.userId ?? aliasU?.userId)
        ? { userId: ids.userId ?? aliasW?.userId ?? aliasU?.userId }
        : {}),
    };
    const contact = { phoneNumberId, contactId, ids: known };
    const linked = (alias: AliasItem | undefined) =>
      alias?.contactId === contactId && alias.waId === known.waId && alias.userId === known.userId;
    if (both && !(linked(aliasU) && linked(aliasW))) await this.linkIds(contact, known);
    return contact;
  }

  async linkIds(contact: ContactRef, ids: UserIds): Promise<void> {
    const all: UserIds = { ...contact.ids, ...ids };
    await Promise.all(
      definedIds(ids).map((id) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.userAlias(contact.phoneNumberId, id), contactId: contact.contactId, ...all },
          }),
        ),
      ),
    );
  }

  async extendWindow(contact: ContactRef, timestamp: EpochSeconds): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.window(contact.phoneNumberId, contact.contactId),
          UpdateExpression: 'SET lastInboundAt = :at, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(lastInboundAt) OR lastInboundAt < :at',
          ExpressionAttributeValues: { ':at': timestamp, ':expiresAt': windowExpiry(timestamp) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordInboundMessage(
    contact: ContactRef,
    message: InboundMessageEvent,
    retainUntil: EpochSeconds,
  ): Promise<'recorded' | 'duplicate'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.message(message.id),
            direction: 'inbound',
            phoneNumberId: contact.phoneNumberId,
            contactId: contact.contactId,
            type: message.type,
            timestamp: message.timestamp,
            ...historyKeys(contact.phoneNumberId, contact.contactId, message.timestamp, message.id, Date.now()),
            ...mediaOf(message),
            ...(message.context?.id ? { replyTo: message.context.id } : {}),
            ...(message.referral ? { referral: cut(message.referral) } : {}),
            // The message itself (text, media ids, ...) is kept only for the retention period.
            raw: rawJson(message.raw).text,
            expiresAt: retainUntil,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async closeWindow(contact: ContactRef, at: EpochSeconds): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.window(contact.phoneNumberId, contact.contactId),
          UpdateExpression: 'SET closedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(closedAt) OR closedAt < :at)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async readMessage(wamid: string): Promise<StoredMessage | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.message(wamid), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    if (Item.direction === 'inbound') {
      throw new NotABusinessMessageError('a status names the id of an inbound message; parked for inspection');
    }
    return {
      state: Item.state as StoredMessage['state'],
      ...(Item.decision ? { decision: Item.decision as StoredMessage['decision'] } : {}),
      held: (Item.held ?? {}) as StoredMessage['held'],
      version: Number(Item.version ?? 0),
    };
  }

  readContactState(phoneNumberId: string, contactId: string): Promise<ContactState> {
    return readContactItems(this.client, this.tableName, phoneNumberId, contactId);
  }

  async commitMessage(input: CommitInput): Promise<CommitResult> {
    const { message, plan, previousVersion } = input;
    const state = message.state;
    const messagePut = {
      TableName: this.tableName,
      Item: {
        ...keys.message(state.id),
        direction: 'outbound',
        phoneNumberId: state.phoneNumberId,
        contactId: state.contactId,
        status: currentStatus(state),
        ...historyKeys(state.phoneNumberId, state.contactId, outboundAt(state), state.id, state.sentAtMs),
        state,
        ...(message.decision ? { decision: message.decision } : {}),
        held: message.held,
        version: message.version,
        expiresAt: input.retainUntil,
      },
      ConditionExpression: previousVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :previousVersion',
      ...(previousVersion === undefined ? {} : { ExpressionAttributeValues: { ':previousVersion': previousVersion } }),
    };
    if (plan.unitChanges.length === 0 && !plan.conversation) {
      try {
        await this.client.send(new PutCommand(messagePut));
        return 'committed';
      } catch (error) {
        if (isConditionFailure(error)) return 'message-changed';
        throw error;
      }
    }

    const shard = shardOf(state.id);
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      { Put: messagePut },
    ];
    for (const change of plan.unitChanges) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.aggregate(change.kind, change.unit, shard),
          UpdateExpression:
            'ADD #units :delta SET #kind = :kind, #day = :day, phoneNumberId = :pn, country = :country, ' +
            'category = :category, pricingModel = :model, pricingType = :type',
          ExpressionAttributeNames: { '#units': 'units', '#kind': 'kind', '#day': 'day' },
          ExpressionAttributeValues: {
            ':delta': change.delta,
            ':kind': change.kind,
            ':day': change.unit.day,
            ':pn': change.unit.phoneNumberId,
            ':country': change.unit.country,
            ':category': change.unit.category,
            ':model': change.unit.pricingModel,
            ':type': change.unit.pricingType,
          },
        },
      });
    }
    let conversationIndex = -1;
    if (plan.conversation) {
      const { record, replaces } = plan.conversation;
      const contact = { phoneNumberId: state.phoneNumberId, contactId: state.contactId };
      if (input.writeConversationItem) {
        if (replaces && replaces.category !== record.category) {
          // Meta's category arrived after we opened ours: move the conversation, if the old slot still holds it.
          items.push({
            Delete: {
              TableName: this.tableName,
              Key: keys.conversation(contact.phoneNumberId, contact.contactId, replaces.category),
              ConditionExpression: 'attribute_not_exists(pk) OR conversationId = :old',
              ExpressionAttributeValues: { ':old': replaces.id },
            },
          });
        }
        conversationIndex = items.length;
        items.push({
          Put: {
            TableName: this.tableName,
            Item: conversationItem(contact, record),
            // The slot is free, expired before ours opened, or already ours: never two open at once.
            ConditionExpression:
              'attribute_not_exists(pk) OR expiresAt <= :openedAt OR conversationId = :id OR conversationId = :old',
            ExpressionAttributeValues: {
              ':openedAt': record.openedAt,
              ':id': record.id,
              ':old': replaces?.id ?? record.id,
            },
          },
        });
      }
      if (replaces && replaces.id !== record.id) {
        items.push({ Delete: { TableName: this.tableName, Key: keys.conversationLedger(replaces.id) } });
      }
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.conversationLedger(record.id),
            conversationId: record.id,
            phoneNumberId: state.phoneNumberId,
            contactId: state.contactId,
            openedBy: state.id,
            category: record.category,
            origin: record.origin,
            openedAt: record.openedAt,
            closesAt: record.expiresAt,
            day: record.unit.day,
            country: record.unit.country,
            pricingModel: record.unit.pricingModel,
            pricingType: record.unit.pricingType,
          },
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'message-changed';
      if (conversationIndex >= 0 && reasons[conversationIndex]?.Code === 'ConditionalCheckFailed') {
        return 'conversation-taken';
      }
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'conversation-taken';
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'contention';
      throw error;
    }
  }

  async applyTemplateStatus(event: TemplateStatusEvent): Promise<void> {
    const at = event.timestamp ?? 0;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.template(event.name, event.language),
          UpdateExpression:
            'SET #name = :name, #language = :language, templateId = :id, wabaId = :waba, #status = :status, ' +
            'statusReason = :reason, statusUpdatedAt = :at' +
            (event.category ? ', category = :category' : ''),
          ConditionExpression: 'attribute_not_exists(statusUpdatedAt) OR statusUpdatedAt <= :at',
          ExpressionAttributeNames: { '#name': 'name', '#language': 'language', '#status': 'status' },
          ExpressionAttributeValues: {
            ':name': event.name,
            ':language': event.language,
            ':id': event.templateId,
            ':waba': event.wabaId,
            ':status': event.event,
            ':reason': event.reason ?? 'NONE',
            ':at': at,
            ...(event.category ? { ':category': event.category } : {}),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async applyTemplateCategory(event: TemplateCategoryEvent): Promise<void> {
    const at = event.timestamp ?? 0;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.template(event.name, event.language),
          UpdateExpression:
            'SET #name = :name, #language = :language, templateId = :id, wabaId = :waba, category = :category, ' +
            'categoryUpdatedAt = :at' +
            (event.previousCategory ? ', previousCategory = :previous' : ''),
          ConditionExpression: 'attribute_not_exists(categoryUpdatedAt) OR categoryUpdatedAt <= :at',
          ExpressionAttributeNames: { '#name': 'name', '#language': 'language' },
          ExpressionAttributeValues: {
            ':name': event.name,
            ':language': event.language,
            ':id': event.templateId,
            ':waba': event.wabaId,
            ':category': event.newCategory,
            ':at': at,
            ...(event.previousCategory ? { ':previous': event.previousCategory } : {}),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async keepRecord(record: KeptRecord): Promise<void> {
    const raw = rawJson(record.raw);
    const digest = createHash('sha256').update(raw.text).digest('hex').slice(0, 32);
    const attributes = cut(Object.fromEntries(Object.entries(record.attributes).filter(([, v]) => v !== undefined)));
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.webhookRecord(utcDay(record.receivedAt), record.kind, digest),
          ...attributes,
          kind: record.kind,
          receivedAt: record.receivedAt,
          raw: raw.text,
          truncated: raw.truncated,
          expiresAt: record.retainUntil,
        },
      }),
    );
  }
}
