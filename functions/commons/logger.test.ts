import { Console } from 'node:console';
import { Writable } from 'node:stream';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../bin/local/lambda-context';
import { createLogger, injectLambdaContext, logLevelOf, type LoggerOptions } from './logger';

const NOW = new Date('2026-12-01T21:30:00.000Z');

/** A logger writing into memory through a real Console: what reaches stdout and stderr, line by line. */
const captured = (options: Partial<LoggerOptions> = {}) => {
  const stream = () => {
    const lines: string[] = [];
    const writable = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    return { lines, writable };
  };
  const stdout = stream();
  const stderr = stream();
  const logger = createLogger({
    serviceName: 'whatsapp-session-engine',
    env: {},
    now: () => NOW,
    console: new Console({ stdout: stdout.writable, stderr: stderr.writable }),
    ...options,
  });
  const all = () => [...stdout.lines, ...stderr.lines].map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, stdout: stdout.lines, stderr: stderr.lines, all, only: () => all()[0] as Record<string, unknown> };
};

const writeAll = (logger: ReturnType<typeof captured>['logger']) => {
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
};

const levelsWritten = (env: Record<string, string>) => {
  const { logger, all } = captured({ env });
  writeAll(logger);
  return all().map((line) => line.level);
};

describe('logger levels', () => {
  it('writes INFO and above when no level is set', () => {
    expect(levelsWritten({})).toEqual(['INFO', 'WARN', 'ERROR']);
  });

  it('writes DEBUG and above at DEBUG', () => {
    expect(levelsWritten({ POWERTOOLS_LOG_LEVEL: 'DEBUG' })).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
  });

  it('leaves DEBUG out at INFO', () => {
    expect(levelsWritten({ POWERTOOLS_LOG_LEVEL: 'INFO' })).toEqual(['INFO', 'WARN', 'ERROR']);
  });

  it('leaves INFO out at WARN', () => {
    expect(levelsWritten({ POWERTOOLS_LOG_LEVEL: 'WARN' })).toEqual(['WARN', 'ERROR']);
  });

  it('leaves WARN out at ERROR', () => {
    expect(levelsWritten({ POWERTOOLS_LOG_LEVEL: 'ERROR' })).toEqual(['ERROR']);
  });

  it('writes nothing at SILENT', () => {
    expect(levelsWritten({ POWERTOOLS_LOG_LEVEL: 'SILENT' })).toEqual([]);
  });

  it('reads the level whatever its case', () => {
    expect(levelsWritten({ POWERTOOLS_LOG_LEVEL: 'warn' })).toEqual(['WARN', 'ERROR']);
  });

  it('falls back to INFO on an unknown value', () => {
    expect(levelsWritten({ POWERTOOLS_LOG_LEVEL: 'LOUD' })).toEqual(['INFO', 'WARN', 'ERROR']);
  });

  it("takes Lambda's application log level when POWERTOOLS_LOG_LEVEL is not set", () => {
    expect(levelsWritten({ AWS_LAMBDA_LOG_LEVEL: 'ERROR', LOG_LEVEL: 'DEBUG' })).toEqual(['ERROR']);
  });

  it('prefers POWERTOOLS_LOG_LEVEL to the application log level', () => {
    expect(levelsWritten({ POWERTOOLS_LOG_LEVEL: 'DEBUG', AWS_LAMBDA_LOG_LEVEL: 'ERROR' })).toHaveLength(4);
  });

  it('takes LOG_LEVEL last', () => {
    expect(levelsWritten({ LOG_LEVEL: 'WARN' })).toEqual(['WARN', 'ERROR']);
  });

  it("maps Lambda's TRACE and FATAL onto DEBUG and ERROR", () => {
    expect(logLevelOf({ AWS_LAMBDA_LOG_LEVEL: 'TRACE' })).toBe(logLevelOf({ LOG_LEVEL: 'DEBUG' }));
    expect(logLevelOf({ AWS_LAMBDA_LOG_LEVEL: 'FATAL' })).toBe(logLevelOf({ LOG_LEVEL: 'ERROR' }));
  });

  it('reads the level once, when the logger is made', () => {
    const env: Record<string, string> = { POWERTOOLS_LOG_LEVEL: 'ERROR' };
    const { logger, all } = captured({ env });
    env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    writeAll(logger);
    expect(all().map((line) => line.level)).toEqual(['ERROR']);
  });

  it('writes DEBUG and INFO to stdout, WARN and ERROR to stderr, one JSON line each', () => {
    const { logger, stdout, stderr } = captured({ env: { POWERTOOLS_LOG_LEVEL: 'DEBUG' } });
    writeAll(logger);
    expect(stdout.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['DEBUG', 'INFO']);
    expect(stderr.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['WARN', 'ERROR']);
  });
});

const invoke = (logger: ReturnType<typeof captured>['logger'], context: Context, resetKeys = true) =>
  middy(async () => {
    logger.info('inside');
    return 'done';
  }).use(injectLambdaContext(logger, { resetKeys }))(undefined, context);

/** The four keys of every INFO line, at the captured logger's clock. */
const lineOf = (message: string) => ({
  level: 'INFO',
  message,
  timestamp: '2026-12-01T21:30:00.000Z',
  service: 'whatsapp-session-engine',
});

describe('logger keys', () => {
  it('writes level, message, timestamp and service before any invocation', () => {
    const { logger, only } = captured();
    logger.info('webhook subscription verified');
    expect(only()).toEqual(lineOf('webhook subscription verified'));
  });

  it('adds the Lambda context keys inside an invocation', async () => {
    const { logger, only } = captured();
    await invoke(logger, lambdaContext('get-session', { memoryMB: 512, requestId: 'req-1' }));
    expect(only()).toEqual({
      ...lineOf('inside'),
      cold_start: true,
      function_arn: 'arn:aws:lambda:local:000000000000:function:get-session',
      function_memory_size: '512',
      function_name: 'get-session',
      function_request_id: 'req-1',
    });
  });

  it('marks the first invocation of the process as the cold start, and none after', async () => {
    const { logger, all } = captured();
    await invoke(logger, lambdaContext('webhook', { requestId: 'first' }));
    await invoke(logger, lambdaContext('webhook', { requestId: 'second' }));
    await invoke(logger, lambdaContext('webhook', { requestId: 'third' }));
    expect(all().map((line) => [line.function_request_id, line.cold_start])).toEqual([
      ['first', true],
      ['second', false],
      ['third', false],
    ]);
  });

  it('with resetKeys, drops the context keys when the invocation ends, also when it fails', async () => {
    const { logger, all } = captured();
    await invoke(logger, lambdaContext('webhook'));
    logger.info('between');
    const failing = middy(async () => {
      throw new Error('boom');
    }).use(injectLambdaContext(logger, { resetKeys: true }));
    await expect(failing(undefined, lambdaContext('webhook'))).rejects.toThrow('boom');
    logger.info('after the failure');
    const [, between, afterFailure] = all();
    expect(Object.keys(between as object)).toEqual(['level', 'message', 'timestamp', 'service']);
    expect(Object.keys(afterFailure as object)).toEqual(['level', 'message', 'timestamp', 'service']);
  });

  it('without resetKeys, keeps the last context until the next invocation', async () => {
    const { logger, all } = captured();
    await invoke(logger, lambdaContext('webhook', { requestId: 'kept' }), false);
    logger.info('between');
    expect(all()[1]).toMatchObject({ message: 'between', function_request_id: 'kept', cold_start: true });
  });

  it("adds the X-Ray trace id, the Root of Lambda's _X_AMZN_TRACE_ID, read at each line", () => {
    const env: Record<string, string> = {};
    const { logger, all } = captured({ env });
    logger.info('untraced');
    env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    logger.info('traced');
    env._X_AMZN_TRACE_ID = '1-5759e988-bd862e3fe1be46a994272794';
    logger.info('bare id');
    const [untraced, traced, bare] = all();
    expect(untraced).not.toHaveProperty('xray_trace_id');
    expect(traced).toMatchObject({ xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793' });
    expect(bare).toMatchObject({ xray_trace_id: '1-5759e988-bd862e3fe1be46a994272794' });
  });

  it('merges every extra object into the line, later keys winning', () => {
    const { logger, only } = captured();
    logger.info('webhook stored', { events: 3, stored: 2 }, { stored: 1, duplicates: 1 });
    expect(only()).toMatchObject({ message: 'webhook stored', events: 3, stored: 1, duplicates: 1 });
  });

  it('never lets an extra overwrite level, message, timestamp or service', () => {
    const { logger, only } = captured();
    logger.warn('kept', { level: 'DEBUG', message: 'replaced', timestamp: 'then', service: 'other', kept: true });
    expect(only()).toEqual({
      level: 'WARN',
      message: 'kept',
      timestamp: '2026-12-01T21:30:00.000Z',
      service: 'whatsapp-session-engine',
      kept: true,
    });
  });

  it("leaves out top-level keys that are undefined, null or '' and keeps false and 0", () => {
    const { logger, only } = captured();
    logger.warn('webhook verification refused', { mode: null, path: '', reason: undefined, present: false, bytes: 0 });
    expect(only()).toEqual({
      level: 'WARN',
      message: 'webhook verification refused',
      timestamp: '2026-12-01T21:30:00.000Z',
      service: 'whatsapp-session-engine',
      present: false,
      bytes: 0,
    });
  });

  it('writes a BigInt as a string and leaves a circular reference out instead of throwing', () => {
    const { logger, only } = captured();
    const looped: Record<string, unknown> = { name: 'loop' };
    looped.self = looped;
    logger.info('odd values', { big: 12345678901234567890n, looped });
    expect(only()).toMatchObject({ big: '12345678901234567890', looped: { name: 'loop' } });
    expect(only().looped).not.toHaveProperty('self');
  });
});

class MetaError extends Error {
  constructor(
    message: string,
    readonly code: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MetaError';
  }
}

describe('logger errors', () => {
  it('writes an Error passed on its own under `error` as name, message and stack', () => {
    const { logger, only } = captured();
    const error = new Error('storage failure');
    logger.error('unhandled error', error);
    expect(only().error).toEqual({ name: 'Error', message: 'storage failure', stack: error.stack });
    expect(error.stack).toContain('logger.test.ts');
  });

  it('writes an Error under any key with its own fields and its cause, itself formatted', () => {
    const { logger, only } = captured();
    const cause = new TypeError('socket hang up');
    const error = new MetaError('Meta refused a send', 131_047, { cause });
    logger.error('sent message not recorded', { error, to: '+34•••••••89' });
    expect(only()).toMatchObject({
      to: '+34•••••••89',
      error: {
        name: 'MetaError',
        message: 'Meta refused a send',
        stack: error.stack,
        code: 131_047,
        cause: { name: 'TypeError', message: 'socket hang up', stack: cause.stack },
      },
    });
  });

  it('formats an Error nested deeper, as in a list of causes', () => {
    const { logger, only } = captured();
    logger.error('webhook not stored; Meta will redeliver', { failures: { first: new RangeError('slot taken') } });
    expect(only().failures).toEqual({
      first: { name: 'RangeError', message: 'slot taken', stack: expect.stringContaining('slot taken') },
    });
  });

  it('stops at an error that is its own cause', () => {
    const { logger, only } = captured();
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    logger.error('odd error', { error });
    expect(only().error).toEqual({ name: 'Error', message: 'loop', stack: error.stack });
  });
});
