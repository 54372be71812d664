/**
 * Structured JSON logs, hand-written because of bundle size: Powertools Logger and the part of
 * Powertools commons it pulls in were ~21 KB minified in every Lambda, for four methods and one
 * middleware. This file is well under 1.5 KB minified.
 *
 * Kept from Powertools Logger (keys as in its standard formatter,
 * https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/, so dashboards and
 * Logs Insights queries keep working):
 * - one JSON object per line with `level`, `message`, `timestamp` (ISO, UTC), `service`; after
 *   `injectLambdaContext` also `cold_start`, `function_arn`, `function_memory_size`,
 *   `function_name`, `function_request_id`; `xray_trace_id` (the Root of `_X_AMZN_TRACE_ID`);
 * - extra objects merged in (`level`, `message`, `timestamp`, `service` cannot be overwritten);
 *   top-level keys that are `undefined`, `null` or `''` are left out;
 * - an Error anywhere in the line as `{ name, message, stack, cause, ...own fields }`
 *   (a BigInt as a string; an object met a second time in the line, as a circular reference, left out);
 * - written through a Console of our own (debug and info to stdout, warn and error to stderr, as
 *   Powertools does), so Lambda's patched global console does not wrap the line a second time;
 * - the level from POWERTOOLS_LOG_LEVEL, else AWS_LAMBDA_LOG_LEVEL (the application log level of
 *   Lambda's advanced logging controls,
 *   https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html), else
 *   LOG_LEVEL, else INFO; an unknown value means INFO;
 * - `cold_start` true on the first invocation of the process, false after.
 *
 * Dropped: log sampling, log buffering, the persistent and temporary key API (appendKeys and
 * friends), child loggers, custom formatters and key order, logEvent and correlation ids, pretty
 * print and the global console under POWERTOOLS_DEV, TZ-offset timestamps, an error's `location`
 * (its stack says it), the TRACE and CRITICAL methods (Lambda's TRACE and FATAL levels read as DEBUG
 * and ERROR), deep merge of extras, the warning on a reserved key, the per-request state of Lambda
 * managed instances (one invocation at a time per environment here), cold start false under
 * provisioned concurrency (not used here), and the clean-up hook Powertools Idempotency calls on a
 * replayed response (the next invocation's context replaces the last one anyway). Powertools lets
 * AWS_LAMBDA_LOG_LEVEL win over POWERTOOLS_LOG_LEVEL; here the order above holds, and Lambda still
 * drops lines below its application log level itself.
 *
 * Never pass full phone numbers, user ids, message text or secrets: see redact.ts.
 */
import { Console } from 'node:console';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/** thresholds: a method writes when its index in METHODS is at least the level's */
const LEVELS: Record<string, number> = { TRACE: 0, DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, FATAL: 3, SILENT: 4 };
const METHODS = ['debug', 'info', 'warn', 'error'] as const;
type Method = (typeof METHODS)[number];

/** What a call may add to its line: objects merged in, an Error under `error`. */
export type LogExtra = Record<string, unknown> | Error;
export type LogMethod = (message: string, ...extras: LogExtra[]) => void;

export interface Logger extends Record<Method, LogMethod> {
  /** the invocation's keys (and its cold start) on every line until `clearContext` or the next one */
  addContext(context: Context): void;
  clearContext(): void;
}

export interface LoggerOptions {
  serviceName: string;
  /** read once for the level, and on every line for the X-Ray trace id */
  env?: Record<string, string | undefined>;
  console?: Pick<Console, Method>;
  now?: () => Date;
}

/** The threshold the environment asks for: the first of the three variables that is set wins. */
export const logLevelOf = (env: Record<string, string | undefined>): number =>
  LEVELS[(env.POWERTOOLS_LOG_LEVEL || env.AWS_LAMBDA_LOG_LEVEL || env.LOG_LEVEL || '').toUpperCase()] ?? 1;

/** Powertools' LogFormatter.formatError without `location`; a cause and nested errors go through the replacer. */
const formatError = ({ name, message, stack, cause, ...own }: Error) => ({ name, message, stack, cause, ...own });

/** A new one per line: an object met a second time (a circular reference, or an error's own cause) is left out. */
const replacer = () => {
  const seen = new WeakSet();
  return (_key: string, value: unknown) => {
    if (typeof value === 'bigint') return String(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return undefined;
    seen.add(value);
    return value instanceof Error ? formatError(value) : value;
  };
};

const traceIdOf = (header?: string) => (header?.includes('=') ? /Root=([^;]*)/.exec(header)?.[1] : header);

export const createLogger = ({
  serviceName,
  env = process.env,
  console = new Console({ stdout: process.stdout, stderr: process.stderr }),
  now = () => new Date(),
}: LoggerOptions): Logger => {
  const threshold = logLevelOf(env);
  let cold = true;
  let context: Record<string, unknown> = {};
  const write = (method: Method, message: string, extras: LogExtra[]) => {
    const level = method.toUpperCase();
    const base = { level, message, timestamp: now().toISOString(), service: serviceName };
    const line: Record<string, unknown> = Object.assign(
      { ...base, ...context, xray_trace_id: traceIdOf(env._X_AMZN_TRACE_ID) },
      ...extras.map((extra) => (extra instanceof Error ? { error: extra } : extra)),
      base,
    );
    for (const key in line) if (line[key] == null || line[key] === '') delete line[key];
    console[method](JSON.stringify(line, replacer()));
  };
  const logger = {
    addContext: (lambda: Context) => {
      context = {
        cold_start: cold,
        function_arn: lambda.invokedFunctionArn,
        function_memory_size: lambda.memoryLimitInMB,
        function_name: lambda.functionName,
        function_request_id: lambda.awsRequestId,
      };
      cold = false;
    },
    clearContext: () => {
      context = {};
    },
  } as Logger;
  METHODS.forEach((method, index) => {
    logger[method] = index < threshold ? () => undefined : (message, ...extras) => write(method, message, extras);
  });
  return logger;
};

export const logger = createLogger({ serviceName: 'whatsapp-session-engine' });

export interface InjectLambdaContextOptions {
  /** drop the invocation's keys when it ends, so a line written between invocations carries none */
  resetKeys?: boolean;
}

/** Our middy middleware in place of Powertools' `injectLambdaContext`. */
export const injectLambdaContext = (
  target: Logger,
  options: InjectLambdaContextOptions = {},
): MiddlewareObj<unknown, unknown, Error, Context> => {
  const end = async () => {
    if (options.resetKeys) target.clearContext();
  };
  return {
    before: async (request) => target.addContext(request.context),
    after: end,
    onError: end,
  };
};
