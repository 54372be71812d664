import type { StreamReaderStart } from './start-events.ts';
import type { LocalStreamReader } from './stream-reader.ts';

/**
 * Runs one stream reader on its own (publisher-main.ts, webhook-batches-main.ts): on the table
 * TABLE_NAME of DYNAMODB_ENDPOINT, its checkpoint in `checkpointVariable` if set, logging JSON
 * lines as `service`; stopped (its position saved) on SIGINT or SIGTERM. Used to kill and restart
 * one consumer without the rest of the stack.
 */
export const runAlone = async (
  service: string,
  checkpointVariable: string,
  start: (options: StreamReaderStart) => Promise<LocalStreamReader>,
  options: Partial<StreamReaderStart> = {},
): Promise<void> => {
  const log = (entry: Record<string, unknown>): void => {
    process.stdout.write(`${JSON.stringify({ level: 'INFO', service, ...entry })}\n`);
  };
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const tableName = process.env.TABLE_NAME;
  if (!endpoint || !tableName) {
    process.stderr.write('DYNAMODB_ENDPOINT and TABLE_NAME must be set\n');
    process.exit(2);
  }
  const checkpointFile = process.env[checkpointVariable];
  const reader = await start({ ...options, endpoint, tableName, ...(checkpointFile ? { checkpointFile } : {}), log });
  const stop = () => void reader.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};
