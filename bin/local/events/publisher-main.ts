/**
 * The local publisher on its own: `tsx bin/local/events/publisher-main.ts` reads the stream of
 * TABLE_NAME on DYNAMODB_ENDPOINT and delivers as `npm start` does (EVENTS_URL, EVENTS_API_KEY,
 * EVENTS_CHECKPOINT_FILE). Used to stop and restart the publisher without the rest of the stack.
 */
import { startEventDelivery } from './start-events.ts';

const log = (entry: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ level: 'INFO', service: 'local-publisher', ...entry })}\n`);
};

const endpoint = process.env.DYNAMODB_ENDPOINT;
const tableName = process.env.TABLE_NAME;
if (!endpoint || !tableName) {
  process.stderr.write('DYNAMODB_ENDPOINT and TABLE_NAME must be set\n');
  process.exit(2);
}
const reader = await startEventDelivery({
  endpoint,
  tableName,
  ...(process.env.EVENTS_CHECKPOINT_FILE ? { checkpointFile: process.env.EVENTS_CHECKPOINT_FILE } : {}),
  log,
});
const stop = () => void reader.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
