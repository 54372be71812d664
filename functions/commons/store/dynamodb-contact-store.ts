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
import { aliasExpiry } from '#domain/retention';
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
import {
  aliasesNeedRefresh,
  contactStateOf,
  definedIds,
  keepsSlotCondition,
  mergedIntoOf,
  mergeMarker,
  mergePlan,
  sentToLink,
  sessionIdsOf,
} from './contact-state';
import { DynamoDbConsentStore } from './dynamodb-consent-store';
import { DynamoDbMessageLedger } from './dynamodb-message-ledger';
import { DynamoDbPacingStore } from './dynamodb-pacing-store';
import type { MessageLedger } from './message-ledger';
import type { PacingStore } from './pacing-store';
import { aliasItem, isLiveAlias, toAliasItem, toAliasRecord } from './items/alias';
import { contactIdOf, contactPk } from './items/contact-partition';
import { isWindowKey, revisionOf, toWindowItem, toWindowState, windowConditions, windowItem } from './items/window';
import { sameWindow } from './window-writes';

/** Contacts on the single table: alias items and the contact's partition (window, conversations). */
export class DynamoDbContactStore implements ContactStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: AliasRetention = defaultAliasRetention,
  ) {
    this.consent = new DynamoDbConsentStore(client, tableName);
    this.messages = new DynamoDbMessageLedger(client, tableName);
    this.pacing = new DynamoDbPacingStore(client, tableName);
  }

  /** consent, message and pacing items have one writer each; a merge hands the other contact's to them */
  private readonly consent: DynamoDbConsentStore;
  private readonly messages: Pick<MessageLedger, 'moveHistory'>;
  private readonly pacing: Pick<PacingStore, 'mergePairSlot'>;

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
    const stale = aliasesNeedRefresh(present.map(aliasItemOf), now, this.retention.retentionDays);
    // The other contact's items first, then the aliases: a crash in between leaves the link to redo, nothing lost.
    for (const other of choice.merge) await this.mergeContact(phoneNumberId, other, choice.contactId);
    // A user seen again keeps their aliases: re-linking moves the expiry on (at most once a day).
    if (choice.link || stale) await this.linkIds(contact, choice.ids);
    return contact;
  }

  async linkSentTo(contact: ContactRef, waId: string): Promise<ContactRef> {
    // Already the wa_id's own contact (or its alias led there): nothing to link, no write per send.
    const link = sentToLink(contact, waId);
    if (link === 'same') return contact;
    if (link === 'resolve' || contact.ids.waId === undefined)
      return this.resolveContact(contact.phoneNumberId, { ...contact.ids, waId });
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
   * Copies every window instant, conversation and the consent of `from` into `into`, moves its message
   * history and folds its pair rate into `into`'s (idempotent: a repeat, or two merges at once, end
   * the same), then leaves a marker so what still names `from` finds `into`.
   */
  private async mergeContact(phoneNumberId: string, from: string, into: string, depth = 0): Promise<void> {
    const plan = mergePlan(await this.partition(phoneNumberId, from), phoneNumberId, from, into);
    const theirs = plan.window;
    if (theirs) await this.writeWindow({ phoneNumberId, contactId: into }, (ours) => mergeWindows(ours, theirs));
    if (plan.consent) {
      await this.consent.applyConsent(
        { phoneNumberId, contactId: into, ids: {} },
        { kind: 'merge', theirs: plan.consent },
      );
    }
    for (const { item, conversation } of plan.conversations) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: keepsSlotCondition,
            ExpressionAttributeValues: { ':expiresAt': conversation.expiresAt },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    await this.messages.moveHistory(phoneNumberId, from, into);
    await this.pacing.mergePairSlot(phoneNumberId, from, into, this.retention.clock());
    if (plan.previous !== undefined && depth < 2)
      await this.mergeContact(phoneNumberId, plan.previous, into, depth + 1);
    if (from === into) return;
    const expiresAt = aliasExpiry(this.retention.clock(), this.retention.retentionDays);
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: mergeMarker(phoneNumberId, from, into, expiresAt) }),
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
    const items = await this.partition(phoneNumberId, contactId);
    // A merged contact's state lives in the contact it was merged into: followed once.
    const movedTo = mergedIntoOf(items);
    return movedTo === undefined
      ? contactStateOf(items)
      : contactStateOf(await this.partition(phoneNumberId, movedTo), movedTo);
  }

  async readSession(phoneNumberId: string, ids: UserIds): Promise<StoredSession> {
    const id = ids.userId ?? ids.waId;
    if (id === undefined) throw new Error('readSession needs a wa_id or a user id');
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: aliasItem.key(phoneNumberId, id), ConsistentRead: true }),
    );
    const alias = Item && isLiveAlias(Item, this.retention.clock()) ? toAliasRecord(Item) : undefined;
    const state = await this.readContactState(phoneNumberId, alias?.contactId ?? id);
    return { ids: sessionIdsOf(ids, alias), ...state };
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
