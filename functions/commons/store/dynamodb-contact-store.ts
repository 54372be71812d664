import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { chooseContact, type UserIds } from '#domain/identity';
import { aliasExpiry, aliasNeedsRefresh } from '#domain/retention';
import type { EpochSeconds } from '#domain/time';
import { windowExpiry } from '#domain/window';
import {
  defaultAliasRetention,
  type AliasRetention,
  type ContactRef,
  type ContactState,
  type ContactStore,
  type StoredSession,
} from './contact-store';
import { aliasExpiresAt, aliasItem, isLiveAlias, toAliasItem, toAliasRecord } from './items/alias';
import { isConsentKey, toConsentState } from './items/consent';
import { contactIdOf, contactPk } from './items/contact-partition';
import { isConversationKey, toConversationState } from './items/conversation';
import { isWindowKey, toWindowState, windowConditions, windowItem } from './items/window';

const definedIds = (ids: UserIds): string[] => [ids.userId, ids.waId].filter((id): id is string => Boolean(id));

/** Contacts on the single table: alias items and the contact's partition (window, conversations). */
export class DynamoDbContactStore implements ContactStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: AliasRetention = defaultAliasRetention,
  ) {}

  async resolveContact(phoneNumberId: string, ids: UserIds): Promise<ContactRef> {
    const present = definedIds(ids);
    if (present.length === 0) throw new Error('a contact needs a wa_id or a business-scoped user id');
    const both = ids.waId !== undefined && ids.userId !== undefined;
    // With both ids we also read both windows, so a first link keeps whichever window already exists.
    const requested = [
      ...present.map((id) => aliasItem.key(phoneNumberId, id)),
      ...(both ? present.map((id) => windowItem.key(phoneNumberId, id)) : []),
    ];
    const { Responses } = await this.client.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: requested, ConsistentRead: true } } }),
    );
    const items = Responses?.[this.tableName] ?? [];
    const now = this.retention.clock();
    const aliasItemOf = (id: string | undefined) =>
      id === undefined
        ? undefined
        : items.find((found) => found.pk === aliasItem.key(phoneNumberId, id).pk && isLiveAlias(found, now));
    const aliasOf = (id: string | undefined) => {
      const item = aliasItemOf(id);
      return item ? toAliasRecord(item) : undefined;
    };
    const choice = chooseContact({
      ids,
      ...optional('userIdAlias', aliasOf(ids.userId)),
      ...optional('waIdAlias', aliasOf(ids.waId)),
      windows: items
        .filter((item) => isWindowKey(String(item.pk), String(item.sk)))
        .map((item) => ({
          contactId: contactIdOf(String(item.pk), phoneNumberId),
          lastInboundAt: Number(item.lastInboundAt),
        })),
    });
    const contact = { phoneNumberId, contactId: choice.contactId, ids: choice.ids };
    const stale = present.some((id) => {
      const item = aliasItemOf(id);
      return item !== undefined && aliasNeedsRefresh(aliasExpiresAt(item), now, this.retention.retentionDays);
    });
    // A user seen again keeps their aliases: re-linking moves the expiry on (at most once a day).
    if (choice.link || stale) await this.linkIds(contact, choice.ids);
    return contact;
  }

  async linkIds(contact: ContactRef, ids: UserIds): Promise<void> {
    const all: UserIds = { ...contact.ids, ...ids };
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    await Promise.all(
      definedIds(ids).map((id) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toAliasItem(contact.phoneNumberId, id, contact.contactId, all, expiresAt),
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
          Key: windowItem.key(contact.phoneNumberId, contact.contactId),
          UpdateExpression: 'SET lastInboundAt = :at, expiresAt = :expiresAt',
          ConditionExpression: windowConditions.extend,
          ExpressionAttributeValues: { ':at': timestamp, ':expiresAt': windowExpiry(timestamp) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async closeWindow(contact: ContactRef, at: EpochSeconds): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: windowItem.key(contact.phoneNumberId, contact.contactId),
          UpdateExpression: 'SET closedAt = :at',
          ConditionExpression: windowConditions.close,
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async readContactState(phoneNumberId: string, contactId: string): Promise<ContactState> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': contactPk(phoneNumberId, contactId) },
        ConsistentRead: true,
      }),
    );
    const window = Items.find((item) => isWindowKey(String(item.pk), String(item.sk)));
    const consent = Items.find((item) => isConsentKey(String(item.pk), String(item.sk)));
    return {
      ...(window ? { window: toWindowState(window) } : {}),
      ...(consent ? { consent: toConsentState(consent) } : {}),
      conversations: Items.filter((item) => isConversationKey(String(item.pk), String(item.sk))).map(
        toConversationState,
      ),
    };
  }

  async readSession(phoneNumberId: string, ids: UserIds): Promise<StoredSession> {
    const id = ids.userId ?? ids.waId;
    if (id === undefined) throw new Error('readSession needs a wa_id or a user id');
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: aliasItem.key(phoneNumberId, id), ConsistentRead: true }),
    );
    const alias = Item && isLiveAlias(Item, this.retention.clock()) ? toAliasRecord(Item) : undefined;
    const state = await this.readContactState(phoneNumberId, alias?.contactId ?? id);
    return {
      ids: { ...ids, ...(alias?.waId ? { waId: alias.waId } : {}), ...(alias?.userId ? { userId: alias.userId } : {}) },
      ...state,
    };
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
