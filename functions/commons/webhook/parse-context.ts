import { type JsonObject } from '#commons/json';
import { compact } from './contacts';
import type { Origin, UnrecognizedEvent, WebhookEvent } from './events';
import { metadataItem } from './items';
import { normalizeLanguage } from '#domain/template-lifecycle';
import { MAX_REASON_LENGTH, outputOf, readItem, type Schema } from './validate';

/** Where in a webhook POST an item is: its WABA, its change's field, and its JSON path. */
export interface ChangeContext {
  wabaId: string;
  field: string;
  path: string;
}

export const MISSING_ORIGIN = 'value.metadata.phone_number_id is missing or invalid';

export const unrecognized = (
  ctx: Partial<ChangeContext> & { path: string },
  reason: string,
  raw: unknown,
): UnrecognizedEvent => ({
  ...compact({ kind: 'unrecognized' as const, wabaId: ctx.wabaId, field: ctx.field, path: ctx.path, reason }),
  raw,
});

export const failureReason = (error: unknown): string =>
  `parser error: ${error instanceof Error ? error.message : String(error)}`.slice(0, MAX_REASON_LENGTH);

/** Runs one item's parser so that even an unforeseen exception costs only that item. */
export const guarded = (ctx: ChangeContext, item: unknown, parseItem: () => WebhookEvent): WebhookEvent => {
  try {
    return parseItem();
  } catch (error) {
    return unrecognized(ctx, failureReason(error), item);
  }
};

/** The business number a change belongs to; without it, its items are parked. */
export const readMetadata = (value: JsonObject): Omit<Origin, 'wabaId'> | undefined => {
  const metadata = outputOf(metadataItem, value.metadata);
  return (
    metadata && compact({ phoneNumberId: metadata.phone_number_id, displayPhoneNumber: metadata.display_phone_number })
  );
};

/** A change whose value is one event (template and account fields); `time` is the entry's, Meta's clock. */
export type SingleEventParser = (value: JsonObject, ctx: ChangeContext, time: number | undefined) => WebhookEvent;

/** A single-event field read by its item schema: a value that does not fit is parked with the schema's reason. */
export const itemField =
  <T>(
    schema: Schema<T>,
    build: (item: T, ctx: ChangeContext, time: number | undefined, value: JsonObject) => WebhookEvent,
  ): SingleEventParser =>
  (value, ctx, time) => {
    const read = readItem(schema, value);
    return 'reason' in read ? unrecognized(ctx, read.reason, value) : build(read.value, ctx, time, value);
  };

/** The template a template field names, as every template event carries it. */
export const templateRef = (
  item: { message_template_id: string; message_template_name: string; message_template_language: string },
  ctx: ChangeContext,
  time: number | undefined,
  value: JsonObject,
) => ({
  wabaId: ctx.wabaId,
  templateId: item.message_template_id,
  name: item.message_template_name,
  language: normalizeLanguage(item.message_template_language),
  ...(time === undefined ? {} : { timestamp: time }),
  raw: value,
});
