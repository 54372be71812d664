/**
 * The local apply-webhook-batch consumer on its own: `tsx bin/local/events/webhook-batches-main.ts`
 * reads the stream of TABLE_NAME on DYNAMODB_ENDPOINT and applies deferred webhook chunks as
 * `npm start` does (WEBHOOK_BATCHES_CHECKPOINT_FILE). Used to kill and restart it mid-batch.
 */
import { runAlone } from './run-alone.ts';
import { startWebhookBatches } from './webhook-batches.ts';

await runAlone('local-webhook-batches', 'WEBHOOK_BATCHES_CHECKPOINT_FILE', startWebhookBatches, { retryMs: 200 });
