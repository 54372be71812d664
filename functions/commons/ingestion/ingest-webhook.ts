import { logger } from '#commons/logger';
import { maskId } from '#commons/redact';
import { isStorageError, unavailableService } from '#http/errors';
import type { UserIds } from '#domain/identity';
import { retentionSeconds } from '#domain/platform';
import { isStaleStatus } from '#domain/retention';
import type { EpochSeconds } from '#domain/time';
import type { ConsentStore } from '#store/consent-store';
import type { HealthStore } from '#store/health-store';
import { refOf, type ContactStore } from '#store/contact-store';
import type { MessageLedger } from '#store/message-ledger';
import type { ParkedKind, ParkedWebhookItems } from '#store/parked-webhook-items';
import { applyTemplateEvent, type TemplateEventWrites } from '#store/template-store';
import type { ParsedWebhook, StatusEvent, WebhookEvent } from '#webhook/events';
import { forEachWithConcurrency } from './concurrency';
import { recordConsentFailures, recordPreference } from './record-consent';
import { recordEcho } from './record-echo';
import { recordAccountHealth, recordNumberQuality } from './record-health';
import { recordInbound } from './record-inbound';
import { ContentionError, recordStatuses } from './update-message';

/** What webhook ingestion writes: contacts and windows, messages and their effects, templates, parked items. */
export interface IngestionStores {
  contacts: ContactStore;
  messages: MessageLedger;
  templates: TemplateEventWrites;
  parked: ParkedWebhookItems;
  /** marketing consent from user_preferences and from 131050/131049 failures */
  consent: ConsentStore;
  /** number quality and account restrictions from Meta's health webhooks */
  health: HealthStore;
}

export interface IngestOptions {
  stores: IngestionStores;
  now: EpochSeconds;
  /** how long message content and raw records are kept; at least Meta's 7-day retry horizon */
  retentionDays: number;
  /** writes in flight at once for one POST */
  concurrency?: number;
}

export interface IngestSummary {
  inbound: number;
  statuses: number;
  duplicates: number;
  templates: number;
  /** parked webhook items (the POST's answer has always named them `kept`) */
  kept: number;
  /** messages sent from the WhatsApp Business app (Meta's echoes), recorded outbound */
  echoes: number;
  /** number-quality updates applied */
  health: number;
}

/** Failures that must reach Meta as 5xx so it redelivers; anything else is parked and the POST succeeds. */
export class StorageFailure extends Error {
  constructor(readonly causes: unknown[]) {
    super(`${causes.length} webhook event(s) could not be stored`);
    this.name = 'StorageFailure';
  }
}

type OtherEvent = Exclude<WebhookEvent, StatusEvent>;
type Step = { kind: 'status-group'; statuses: [StatusEvent, ...StatusEvent[]] } | { kind: 'single'; event: OtherEvent };
/** Steps that run one after another, in the POST's order: everything of one user of one business number. */
type Work = Step[];

/** The user an event is about, for serialising: their window, conversation slots and contact are shared. */
const userKeyOf = (event: WebhookEvent): string | undefined => {
  if (event.kind !== 'status' && event.kind !== 'inbound-message' && event.kind !== 'message-echo') return undefined;
  const id = event.user.waId ?? event.user.userId;
  return id === undefined ? undefined : `${event.origin.phoneNumberId}|${id}`;
};

/**
 * The statuses of one message are folded and written together (they touch the same item); the
 * events of one user run one after another (they decide conversations of the same slots and read
 * the same window, so a batch ends as the same events posted one by one would); everything else
 * runs side by side with bounded concurrency.
 */
const plan = (events: WebhookEvent[]): Work[] => {
  const groups = new Map<string, StatusEvent[]>();
  const chains = new Map<string, Work>();
  const work: Work[] = [];
  const add = (event: WebhookEvent, step: Step) => {
    const key = userKeyOf(event);
    const chain = key === undefined ? undefined : chains.get(key);
    if (chain) {
      chain.push(step);
      return;
    }
    const fresh: Work = [step];
    if (key !== undefined) chains.set(key, fresh);
    work.push(fresh);
  };
  for (const event of events) {
    if (event.kind !== 'status') {
      add(event, { kind: 'single', event });
      continue;
    }
    const group = groups.get(event.messageId);
    if (group) group.push(event);
    else {
      const statuses: [StatusEvent, ...StatusEvent[]] = [event];
      groups.set(event.messageId, statuses);
      add(event, { kind: 'status-group', statuses });
    }
  }
  return work;
};

/**
 * One POST often carries many events of the same user; their contact is looked up once. The cache
 * lives for one POST only, so a link made by another Lambda is seen by the next POST.
 */
const withContactCache = (store: ContactStore): ContactStore => {
  const contacts = new Map<string, ReturnType<ContactStore['resolveContact']>>();
  return Object.assign(Object.create(store) as ContactStore, {
    resolveContact: (phoneNumberId: string, ids: UserIds) => {
      const key = `${phoneNumberId}|${ids.waId ?? ''}|${ids.userId ?? ''}`;
      const cached = contacts.get(key);
      // What the first lookup read of the window is the first event's: the next ones read it again.
      if (cached) return cached.then(refOf);
      const contact = store.resolveContact(phoneNumberId, ids);
      contacts.set(key, contact);
      // A failed lookup is not remembered: the next event of the user tries again.
      contact.catch(() => contacts.delete(key));
      return contact;
    },
  });
};

/** Stores every event of one POST; throws StorageFailure if any could not be stored, after trying them all. */
export const ingestWebhook = async (parsed: ParsedWebhook, options: IngestOptions): Promise<IngestSummary> => {
  const { now } = options;
  const stores = { ...options.stores, contacts: withContactCache(options.stores.contacts) };
  const retainUntil = now + retentionSeconds(options.retentionDays);
  const summary: IngestSummary = {
    inbound: 0,
    statuses: 0,
    duplicates: 0,
    templates: 0,
    kept: 0,
    echoes: 0,
    health: 0,
  };
  const park = async (event: WebhookEvent, kind: ParkedKind, reason?: string) => {
    const wabaId = 'wabaId' in event ? event.wabaId : event.kind === 'value-error' ? event.origin?.wabaId : undefined;
    await stores.parked.park({
      kind,
      receivedAt: now,
      retainUntil,
      raw: event.raw,
      attributes: {
        wabaId,
        reason: reason ?? (event.kind === 'unrecognized' ? event.reason : undefined),
        path: event.kind === 'unrecognized' ? event.path : undefined,
        field: event.kind === 'unrecognized' ? event.field : undefined,
      },
    });
    summary.kept++;
  };

  const handle = async (event: OtherEvent): Promise<void> => {
    switch (event.kind) {
      case 'inbound-message': {
        const result = await recordInbound(stores, event, retainUntil, now);
        if (result === 'duplicate') summary.duplicates++;
        else summary.inbound++;
        return;
      }
      case 'template-status':
      case 'template-category':
      case 'template-quality':
      case 'template-components':
        await applyTemplateEvent(stores.templates, event);
        summary.templates++;
        return;
      case 'account-update':
        // kept raw as before (its `account.updated` event); restrictions also onto the account's health
        await recordAccountHealth(stores, event, now);
        return park(event, 'account-update');
      case 'number-quality':
        await recordNumberQuality(stores, event, now);
        summary.health++;
        return;
      case 'message-echo': {
        const result = await recordEcho(stores, event, retainUntil);
        if (result === 'duplicate') summary.duplicates++;
        else summary.echoes++;
        return;
      }
      case 'user-preference':
        if (!(await recordPreference(stores, event)))
          await park(event, 'unrecognized', 'preference not about marketing');
        return;
      case 'value-error':
        logger.warn('Meta reported an error', { code: event.error.code, title: event.error.title });
        return park(event, 'value-error');
      case 'unrecognized':
        logger.warn('webhook content parked for inspection', { path: event.path, reason: event.reason });
        return park(event, 'unrecognized');
    }
  };

  const handleStatuses = async (group: [StatusEvent, ...StatusEvent[]]): Promise<void> => {
    // A replay of a captured status past the retention may find its message record gone: never fold it.
    const fresh = group.filter((status) => !isStaleStatus(status.timestamp, now, options.retentionDays));
    for (const status of group) {
      if (fresh.includes(status)) continue;
      logger.warn('status older than the message retention parked, not counted', { at: status.timestamp });
      await park(status, 'unrecognized', 'status older than the message retention (a replay): not counted');
    }
    const [first, ...rest] = fresh;
    if (!first) return;
    const statuses: [StatusEvent, ...StatusEvent[]] = [first, ...rest];
    const result = await recordStatuses(stores, statuses, retainUntil, now);
    await recordConsentFailures(stores, statuses);
    if (result === 'duplicate') summary.duplicates += statuses.length;
    else summary.statuses += statuses.length;
  };

  /**
   * Work that fails for any reason but storage (or S3 and Secrets Manager not answering) is parked raw,
   * so one bad item never fails the POST; an outage fails it, and Meta's redelivery completes the work.
   */
  const safely = async (events: WebhookEvent[], run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      if (isStorageError(error) || unavailableService(error) || error instanceof ContentionError) throw error;
      for (const event of events) {
        if (event.kind === 'unrecognized') throw error;
        const user = 'user' in event ? event.user : undefined;
        logger.error('webhook event failed; parked', {
          kind: event.kind,
          user: maskId(user?.waId ?? user?.userId),
          error: error as Error,
        });
        await park(event, 'unrecognized', `processing failed: ${(error as Error).message}`);
      }
    }
  };

  const runStep = (step: Step) =>
    step.kind === 'single'
      ? safely([step.event], () => handle(step.event))
      : safely(step.statuses, () => handleStatuses(step.statuses));
  const results = await forEachWithConcurrency(plan(parsed.events), options.concurrency ?? 32, async (chain) => {
    // A step that fails does not stop the user's later steps; the POST fails after trying them all.
    const failed: unknown[] = [];
    for (const step of chain) await runStep(step).catch((error: unknown) => failed.push(error));
    if (failed.length > 0) throw failed.length === 1 ? failed[0] : new StorageFailure(failed);
  });
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .flatMap((r) => (r.reason instanceof StorageFailure ? r.reason.causes : [r.reason]));
  if (failures.length > 0) throw new StorageFailure(failures);
  return summary;
};
