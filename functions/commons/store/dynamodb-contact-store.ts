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
import { mergeWindows, withInboundMessage, type WindowState } from '#domain/window';
import {
  defaultAliasRetention,
  type AliasRetention,
  type ContactRef,
  type ContactState,
  type ContactStore,
  type InboundRecorded,
  type StoredSession,
} from './contact-store';
import { DynamoDbConsentStore } from './dynamodb-consent-store';
import { aliasExpiresAt, aliasItem, isLiveAlias, toAliasItem, toAliasRecord } from './items/alias';
import { contactMergeItem, isContactMergeKey } from './items/contact-merge';
import { isConsentKey, toConsentState } from './items/consent';
import { contactIdOf, contactPk } from './items/contact-partition';
import { conversationItem, isConversationKey, toConversationState } from './items/conversation';
import { isWindowKey, revisionOf, toWindowItem, toWindowState, windowConditions, windowItem } from './items/window';
import { sameWindow } from './window-writes';

const definedIds = (ids: UserIds): string[] => [ids.userId, ids.waId].filter((id): id is string => Boolean(id));

/** Contacts on the single table: alias items and the contact's partition (window, conversations). */
export class DynamoDbContactStore implements ContactStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: AliasRetention = defaultAliasRetention,
  ) {
    this.consent = new DynamoDbConsentStore(client, tableName);
  }

  /** consent items have one writer; a merge hands the other contact's consent to it */
  private readonly consent: DynamoDbConsentStore;

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
    // The other contact's items first, then the aliases: a crash in between leaves the link to redo, nothing lost.
    for (const other of choice.merge) await this.mergeContact(phoneNumberId, other, choice.contactId);
    // A user seen again keeps their aliases: re-linking moves the expiry on (at most once a day).
    if (choice.link || stale) await this.linkIds(contact, choice.ids);
    return contact;
  }

  async linkSentTo(contact: ContactRef, waId: string): Promise<ContactRef> {
    // Already the wa_id's own contact (or its alias led there): nothing to link, no write per send.
    if (contact.ids.waId === waId || contact.contactId === waId) return contact;
    if (contact.ids.waId === undefined) return this.resolveContact(contact.phoneNumberId, { ...contact.ids, waId });
    const target = await this.resolveContact(contact.phoneNumberId, { waId });
    if (target.contactId !== contact.contactId) {
      await this.mergeContact(contact.phoneNumberId, contact.contactId, target.contactId);
    }
    // The number as the caller wrote it now finds Meta's wa_id's contact.
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toAliasItem(contact.phoneNumberId, contact.ids.waId, target.contactId, target.ids, expiresAt),
      }),
    );
    return target;
  }

  /**
   * Copies every window instant, conversation and the consent of `from` into `into` (idempotent: a repeat, or two
   * merges at once, end the same), then leaves a marker so what still names `from` finds `into`.
   */
  private async mergeContact(phoneNumberId: string, from: string, into: string, depth = 0): Promise<void> {
    const items = await this.partition(phoneNumberId, from);
    const marker = items.find((item) => isContactMergeKey(String(item.pk), String(item.sk)));
    const window = items.find((item) => isWindowKey(String(item.pk), String(item.sk)));
    if (window) {
      const theirs = toWindowState(window);
      await this.writeWindow({ phoneNumberId, contactId: into }, (ours) => mergeWindows(ours, theirs));
    }
    const consent = items.find((item) => isConsentKey(String(item.pk), String(item.sk)));
    if (consent && from !== into) {
      await this.consent.applyConsent(
        { phoneNumberId, contactId: into, ids: {} },
        { kind: 'merge', theirs: toConsentState(consent) },
      );
    }
    for (const item of items.filter((found) => isConversationKey(String(found.pk), String(found.sk)))) {
      const conversation = toConversationState(item);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...item, ...conversationItem.key(phoneNumberId, into, conversation.category) },
            // Per category the slot keeps the conversation that lasts longer; the other stays counted in its ledger.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :expiresAt',
            ExpressionAttributeValues: { ':expiresAt': conversation.expiresAt },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    const previous = marker ? String(marker.mergedInto) : undefined;
    if (previous !== undefined && previous !== into && previous !== from && depth < 2) {
      await this.mergeContact(phoneNumberId, previous, into, depth + 1);
    }
    if (from === into) return;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...contactMergeItem.key(phoneNumberId, from),
          mergedInto: into,
          expiresAt: aliasExpiry(this.retention.clock(), this.retention.retentionDays),
        },
      }),
    );
  }

  private async partition(phoneNumberId: string, contactId: string): Promise<Record<string, unknown>[]> {
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

  /** Read, change, put on the revision read; again when another writer came in between. */
  private async writeWindow(
    contact: { phoneNumberId: string; contactId: string },
    change: (window: WindowState | undefined) => WindowState | undefined,
  ): Promise<{ before?: WindowState; written: boolean }> {
    const key = windowItem.key(contact.phoneNumberId, contact.contactId);
    for (let attempt = 0; attempt < 8; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const before = Item ? toWindowState(Item) : undefined;
      const next = change(before);
      if (next === undefined || sameWindow(before, next)) return { ...(before ? { before } : {}), written: false };
      const rev = revisionOf(Item);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toWindowItem(contact, next, (rev ?? 0) + 1),
            ...(rev === undefined
              ? { ConditionExpression: windowConditions.first }
              : {
                  ConditionExpression: windowConditions.revision,
                  ExpressionAttributeValues: { ':rev': rev, ':zero': 0 },
                }),
          }),
        );
        return { ...(before ? { before } : {}), written: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw Object.assign(new Error('the window could not be written: too many concurrent writers'), {
      name: 'TransactionConflictException',
      $metadata: {},
    });
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
    return (await this.recordInboundAt(contact, timestamp)).moved;
  }

  async recordInboundAt(
    contact: ContactRef,
    timestamp: EpochSeconds,
    options: { referral?: boolean } = {},
  ): Promise<InboundRecorded> {
    const { before, written } = await this.writeWindow(contact, (window) =>
      withInboundMessage(window, timestamp, options.referral === true),
    );
    return {
      moved: written && (before === undefined || timestamp > before.lastInboundAt),
      ...(before ? { before } : {}),
      known: !written,
    };
  }

  async closeWindow(contact: ContactRef, at: EpochSeconds): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: windowItem.key(contact.phoneNumberId, contact.contactId),
          // A new revision, so a user message read before this close is put again on top of it.
          UpdateExpression: 'SET closedAt = :at, rev = if_not_exists(rev, :zero) + :one',
          ConditionExpression: windowConditions.close,
          ExpressionAttributeValues: { ':at': at, ':zero': 0, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async readContactState(phoneNumberId: string, contactId: string): Promise<ContactState> {
    let items = await this.partition(phoneNumberId, contactId);
    const marker = items.find((item) => isContactMergeKey(String(item.pk), String(item.sk)));
    // A merged contact's state lives in the contact it was merged into: followed once.
    const movedTo = marker ? String(marker.mergedInto) : undefined;
    if (movedTo !== undefined) items = await this.partition(phoneNumberId, movedTo);
    const window = items.find((item) => isWindowKey(String(item.pk), String(item.sk)));
    const consent = items.find((item) => isConsentKey(String(item.pk), String(item.sk)));
    return {
      ...(window ? { window: toWindowState(window) } : {}),
      ...(consent ? { consent: toConsentState(consent) } : {}),
      conversations: items
        .filter((item) => isConversationKey(String(item.pk), String(item.sk)))
        .map(toConversationState),
      ...(movedTo !== undefined ? { movedTo } : {}),
      ...(window ? { windowRev: revisionOf(window) ?? 0 } : {}),
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
