/**
 * The local apply-webhook-batch consumer on its own: `tsx bin/local/events/webhook-batches-main.ts`
 * reads the stream of TABLE_NAME on DYNAMODB_ENDPOINT and applies deferred webhook chunks as
 * `npm start` does (WEBHOOK_BATCHES_CHECKPOINT_FILE). Used to kill and restart it mid-batch.
 */
import { startWebhookBatches } from './webhook-batches.ts';

const log = (entry: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ level: 'INFO', service: 'local-webhook-batches', ...entry })}\n`);
};

const endpoint = process.env.DYNAMODB_ENDPOINT;
const tableName = process.env.TABLE_NAME;
if (!endpoint || !tableName) {
  process.stderr.write('DYNAMODB_ENDPOINT and TABLE_NAME must be set\n');
  process.exit(2);
}
const reader = await startWebhookBatches({
  endpoint,
  tableName,
  ...(process.env.WEBHOOK_BATCHES_CHECKPOINT_FILE
    ? { checkpointFile: process.env.WEBHOOK_BATCHES_CHECKPOINT_FILE }
    : {}),
  retryMs: 200,
  log,
});
const stop = () => void reader.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
