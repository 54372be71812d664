/**
 * Configuration read from the environment: set by CDK on AWS, by bin/local.ts locally. A value that
 * is set but unusable stops the function at start with the variable's name, rather than being
 * replaced by the default without a word (MESSAGES_PER_SECOND=abc used to become 80).
 */

/** Unset or empty (after trimming, as Powertools' getStringFromEnv reads it) reads as absent. */
const optional = (name: string): string | undefined => process.env[name]?.trim() || undefined;

const required = (name: string): string => {
  const value = optional(name);
  if (value === undefined) throw new Error(`${name} is not set: the stack (or bin/local.ts) must provide it`);
  return value;
};

/** The limits set by number, with their defaults: each must be a positive number when set. */
export const NUMBER_SETTINGS = {
  MESSAGE_RETENTION_DAYS: 30,
  MESSAGES_PER_SECOND: 80,
  PAIR_RATE_INTERVAL_SECONDS: 6,
  PAIR_RATE_BURST: 45,
  /** how far ahead of our clock a user message may be stamped and still count as sent now (domain/window.ts) */
  INBOUND_CLOCK_SKEW_SECONDS: 60,
  /** writes in flight at once while one webhook POST (or one deferred chunk of it) is applied */
  INGESTION_CONCURRENCY: 32,
  /** the DynamoDB client's socket pool: at least the ingestion concurrency, or calls queue for a socket */
  DYNAMODB_MAX_SOCKETS: 50,
  /** a webhook POST with more events is answered once stored as batch chunks, applied from the stream */
  WEBHOOK_DEFER_ABOVE_EVENTS: 50,
} as const;
export type NumberSetting = keyof typeof NUMBER_SETTINGS;

/**
 * A number setting's value (unset or empty: the default), or the one line that says what is wrong
 * and what to do. Pure, so `npm start` checks the same rule before anything serves.
 */
export const readPositiveNumber = (name: NumberSetting, raw: string | undefined): number | { problem: string } => {
  const fallback = NUMBER_SETTINGS[name];
  const text = raw?.trim() ?? '';
  if (text === '') return fallback;
  // as Powertools' getNumberFromEnv reads it: Number() of the trimmed text
  const value = Number(text);
  if (Number.isFinite(value) && value > 0) return value;
  return {
    problem: `${name} must be a positive number, not ${JSON.stringify(raw)}: fix it or unset it for the default ${fallback}`,
  };
};

const positive = (name: NumberSetting): number => {
  const value = readPositiveNumber(name, optional(name));
  if (typeof value === 'number') return value;
  throw new Error(value.problem);
};

/*
 * Each setting is a reader of its own, called when the value is needed rather than at import
 * (bin/local.ts and the tests set the environment after the module is loaded), so a bundle holds
 * the readers its function calls and no other.
 */

export const tableName = (): string => required('TABLE_NAME');
/** days message content and dedupe records are kept (MESSAGE_RETENTION_DAYS, default 30, at least 8) */
export const retentionDays = (): number => positive('MESSAGE_RETENTION_DAYS');
/** seconds a user message may be stamped ahead of our clock and count as now (INBOUND_CLOCK_SKEW_SECONDS, default 60) */
export const inboundClockSkewSeconds = (): number => positive('INBOUND_CLOCK_SKEW_SECONDS');
/** Meta's Graph API base (the local stack points it at the sandbox) */
export const whatsAppApiUrl = (): string => optional('WHATSAPP_API_URL') ?? 'https://graph.facebook.com';
export const whatsAppApiVersion = (): string => optional('WHATSAPP_API_VERSION') ?? 'v24.0';
/** the number's throughput: 80 by default, 1,000 once Meta has upgraded it */
export const messagesPerSecond = (): number => positive('MESSAGES_PER_SECOND');
/** the pair rate to one user: one message per this many seconds after a burst */
export const pairIntervalSeconds = (): number => positive('PAIR_RATE_INTERVAL_SECONDS');
export const pairBurst = (): number => positive('PAIR_RATE_BURST');
/** writes in flight while a webhook POST is applied (INGESTION_CONCURRENCY, default 32) */
export const ingestionConcurrency = (): number => Math.ceil(positive('INGESTION_CONCURRENCY'));
/** webhook POSTs with more events than this are deferred (WEBHOOK_DEFER_ABOVE_EVENTS, default 50) */
export const webhookDeferAboveEvents = (): number => positive('WEBHOOK_DEFER_ABOVE_EVENTS');
/** the WhatsApp Business Account whose pricing_analytics the daily report compares with */
export const wabaId = (): string | undefined => optional('WHATSAPP_WABA_ID');
/** `<phoneNumberId>=<display number>` pairs, comma-separated: the cost report names each number so */
export const displayNumbers = (): string | undefined => optional('WHATSAPP_DISPLAY_NUMBERS');
/** the private bucket the scheduled cost report writes to */
export const reportBucket = (): string => required('REPORT_BUCKET');
/** the business number used when a request names none */
export const defaultPhoneNumberId = (): string | undefined => optional('WHATSAPP_PHONE_NUMBER_ID');

const readWhenAsked = <T extends Record<string, () => unknown>>(
  readers: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } =>
  Object.defineProperties(
    {},
    Object.fromEntries(Object.entries(readers).map(([name, read]) => [name, { get: read, enumerable: true }])),
  ) as { readonly [K in keyof T]: ReturnType<T[K]> };

/**
 * Every setting as a property read when asked, for bin/local and the tests. A function's bundle
 * imports the readers above instead: this table would bring all of them.
 */
export const config = /* @__PURE__ */ readWhenAsked({
  tableName,
  retentionDays,
  inboundClockSkewSeconds,
  whatsAppApiUrl,
  whatsAppApiVersion,
  messagesPerSecond,
  pairIntervalSeconds,
  pairBurst,
  ingestionConcurrency,
  webhookDeferAboveEvents,
  wabaId,
  displayNumbers,
  reportBucket,
  defaultPhoneNumberId,
});
