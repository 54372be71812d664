import { parseDisplayNumbers } from '../functions/commons/report/report-insights.ts';
import { routes } from '../functions/routes.ts';

/**
 * The deploy's tunable figures, from CDK context (`-c name=value`), each with a default sized from
 * Meta's throughput (README: Deploy, "Context values"). Pure, so the arithmetic is tested alone.
 */
export interface DeploySettings {
  /** the number's send throughput (Meta: 80 messages/s by default, up to 1,000 once upgraded) */
  messagesPerSecond: number;
  /** POST/GET /webhook: steady requests/s and burst */
  webhookThrottle: { rateLimit: number; burstLimit: number };
  /** every other route */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** reserved concurrency per function folder; empty when turned off */
  reservedConcurrency: Record<string, number>;
  /** subscribed to the alarm topic when set */
  alarmEmail?: string;
  /** days the API access logs are kept */
  accessLogRetentionDays: number;
  /** `<phoneNumberId>=<display number>` pairs (WHATSAPP_DISPLAY_NUMBERS of the report functions) */
  displayNumbers?: string;
  /** the function folders whose bundles carry Powertools Tracer for X-Ray subsegments; none by default */
  xraySubsegments: string[];
}

/**
 * Statuses per business message: sent, delivered, read, each its own webhook POST at worst
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components).
 */
export const STATUSES_PER_MESSAGE = 3;

/**
 * Concurrency each function needs at Meta's default 80 messages/s, by Little's law (requests/s ×
 * seconds per request, rounded up with room): the webhook 320 requests/s × ~0.15 s ≈ 48; sends
 * 80/s × ~0.3 s with Meta's answer ≈ 24; the rest are people and scripts reading.
 */
const DEFAULT_CONCURRENCY: Record<string, number> = {
  'webhook-verify': 2,
  webhook: 50,
  'get-session': 10,
  'send-message': 25,
  'put-template': 2,
  'list-templates': 2,
  'get-number': 2,
  'get-cost-report': 2,
  'cost-report': 1,
  'sync-templates': 1,
  'scheduled-template-sync': 1,
  // One batch per stream shard at a time (parallelization factor 1) plus the window timers: a table
  // at this traffic has a handful of shards; past this the stream lags, nothing is lost.
  'publish-events': 10,
  // one invocation per stream shard at a time (parallelization factor 1); room for several shards
  'media-worker': 5,
  // up to four chunks per stream shard at once (parallelization factor 4): a backlog's big POSTs
  'apply-webhook-batch': 8,
};

/** Functions that serve no route: the scheduled report and template sync, the stream's event publisher, media worker and batch applier. */
export const BACKGROUND_FUNCTIONS = [
  'cost-report',
  'publish-events',
  'media-worker',
  'apply-webhook-batch',
  'scheduled-template-sync',
] as const;

type Context = (key: string) => unknown;

const positiveInteger = (context: Context, key: string, fallback: number): number => {
  const raw = context(key);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`-c ${key}=${String(raw)}: must be a whole number above 0`);
  }
  return value;
};

/** Every comma-separated pair must parse: the report functions would skip a malformed one silently. */
const displayNumbers = (context: Context): string | undefined => {
  const raw = context('displayNumbers');
  if (raw === undefined || raw === '') return undefined;
  const text = String(raw);
  for (const pair of text.split(',')) {
    if (Object.keys(parseDisplayNumbers(pair)).length !== 1) {
      throw new Error(
        `-c displayNumbers=${text}: ${JSON.stringify(pair.trim())} is not <phoneNumberId>=<display number>, e.g. 106540352242922=+15550000000`,
      );
    }
  }
  return text;
};

const functionNames = (): string[] => [...routes.map((route) => route.handler as string), ...BACKGROUND_FUNCTIONS];

/**
 * `-c xraySubsegments=true` (every function) or a list of function folders: those bundles carry
 * Powertools Tracer (DynamoDB calls as subsegments, about 120 KB more each); every function keeps
 * Lambda's active tracing without it.
 */
export const xraySubsegmentFunctions = (context: Context): string[] => {
  const raw = context('xraySubsegments');
  if (raw === undefined || raw === '' || ['false', 'off', false].includes(raw as string | boolean)) return [];
  if (['true', 'on', 'all', true].includes(raw as string | boolean)) return functionNames();
  const names = String(raw)
    .split(',')
    .map((name) => name.trim());
  const unknown = names.filter((name) => !functionNames().includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `-c xraySubsegments=${String(raw)}: ${unknown.join(', ')} is no function folder; use true, false or names such as webhook,send-message`,
    );
  }
  return names;
};

export const deploySettings = (context: Context): DeploySettings => {
  const messagesPerSecond = positiveInteger(context, 'messagesPerSecond', 80);
  // Every message sent brings up to 3 status webhooks; users write in at most at the rate we send.
  const webhookRate = positiveInteger(context, 'webhookRateLimit', (STATUSES_PER_MESSAGE + 1) * messagesPerSecond);
  // Sends at the number's throughput, plus as much again for session reads, templates and reports.
  const apiRate = positiveInteger(context, 'apiRateLimit', 2 * messagesPerSecond);
  const concurrencyOff = ['off', 'false', false].includes(context('reservedConcurrency') as string | boolean);
  const names = functionNames();
  const reservedConcurrency = concurrencyOff
    ? {}
    : Object.fromEntries(
        names.map((name) => [name, positiveInteger(context, `concurrency.${name}`, DEFAULT_CONCURRENCY[name] ?? 2)]),
      );
  const email = context('alarmEmail');
  const numbers = displayNumbers(context);
  return {
    messagesPerSecond,
    // Bursts of twice the rate absorb Meta's redelivery after an outage without refusing it.
    webhookThrottle: {
      rateLimit: webhookRate,
      burstLimit: positiveInteger(context, 'webhookBurstLimit', 2 * webhookRate),
    },
    apiThrottle: { rateLimit: apiRate, burstLimit: positiveInteger(context, 'apiBurstLimit', 2 * apiRate) },
    reservedConcurrency,
    ...(typeof email === 'string' && email ? { alarmEmail: email } : {}),
    accessLogRetentionDays: positiveInteger(context, 'accessLogRetentionDays', 90),
    ...(numbers ? { displayNumbers: numbers } : {}),
    xraySubsegments: xraySubsegmentFunctions(context),
  };
};
