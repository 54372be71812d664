import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { logger } from '#commons/logger';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { ApiError } from '#http/errors';
import { json } from '#http/responses';
import { systemClock, type Clock } from '#domain/time';
import { dynamoDbIngestionStores } from '#ingestion/dynamodb-ingestion-stores';
import { ingestWebhook, StorageFailure, type IngestionStores } from '#ingestion/ingest-webhook';
import { deferWebhook, shouldDefer } from '#ingestion/webhook-batch';
import { DynamoDbWebhookBatches } from '#store/dynamodb-webhook-batches';
import type { WebhookBatches } from '#store/webhook-batches';
import { parseWebhook } from '#webhook/parse';
import { webhookRawBody } from '#webhook/raw-body';
import { verifySignature } from '#webhook/signature';

export interface WebhookDeps {
  stores: IngestionStores;
  clock: Clock;
  secrets: () => Promise<Secrets<'appSecret'>>;
  retentionDays: number;
  /** writes in flight while one POST is applied */
  concurrency?: number;
  /** POSTs with more events than `aboveEvents` are stored as batch chunks and applied from the stream */
  deferral?: { batches: WebhookBatches; aboveEvents: number };
}

/**
 * POST /webhook: Meta's events. The signature is checked over the raw bytes before anything is
 * parsed; then every event is stored. Any storage failure answers 500 so that Meta redelivers,
 * and the redelivery completes the work without counting anything twice. A big POST (more events
 * than `deferral.aboveEvents`) is answered once its events are stored durably as batch chunks;
 * apply-webhook-batch applies them from the table's stream (#ingestion/webhook-batch).
 */
export const createHandler = (deps: WebhookDeps) =>
  apiHandler(
    async (event: APIGatewayProxyEventV2) => {
      const body = webhookRawBody(event);
      const { appSecret } = await deps.secrets();
      if (!appSecret) {
        throw new ApiError(
          503,
          'WEBHOOK_NOT_CONFIGURED',
          'The Meta app secret is not configured; set appSecret in the WhatsApp secret (see README).',
        );
      }
      const signature = event.headers['x-hub-signature-256'];
      if (!verifySignature(body, signature, appSecret)) {
        logger.warn('webhook signature refused', { present: signature !== undefined, bytes: body.length });
        throw new ApiError(
          401,
          'INVALID_SIGNATURE',
          'X-Hub-Signature-256 must be "sha256=" + the hex HMAC-SHA256 of the raw body keyed with the app secret.',
        );
      }
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        throw new ApiError(400, 'INVALID_JSON', 'The webhook body is not JSON.');
      }
      const parsed = parseWebhook(payload);
      try {
        if (deps.deferral && shouldDefer(parsed.events.length, deps.deferral.aboveEvents)) {
          const deferred = await deferWebhook(parsed, body, {
            batches: deps.deferral.batches,
            now: deps.clock(),
            retentionDays: deps.retentionDays,
          });
          if (deferred) {
            logger.info('webhook deferred', { ...deferred });
            // A redelivery of a POST accepted before writes nothing: every event is a duplicate.
            return json(200, {
              received: parsed.events.length,
              deferred: deferred.redelivered ? 0 : deferred.events,
              duplicates: deferred.redelivered ? deferred.events : 0,
              chunks: deferred.chunks,
            });
          }
        }
        const summary = await ingestWebhook(parsed, {
          stores: deps.stores,
          now: deps.clock(),
          retentionDays: deps.retentionDays,
          ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
        });
        logger.info('webhook stored', { events: parsed.events.length, ...summary });
        return json(200, { received: parsed.events.length, ...summary });
      } catch (error) {
        if (!(error instanceof StorageFailure)) throw error;
        logger.error('webhook not stored; Meta will redeliver', {
          failures: error.causes.length,
          cause: error.causes[0] as Error,
        });
        throw new ApiError(500, 'STORAGE_UNAVAILABLE', 'The events could not be stored; redeliver the webhook.');
      }
    },
    { storageFailureStatus: 500 },
  );

export const handler = createHandler({
  stores: dynamoDbIngestionStores(documentClient, config.tableName(), config.retentionDays()),
  clock: systemClock,
  secrets: routeSecrets('webhook'),
  retentionDays: config.retentionDays(),
  concurrency: config.ingestionConcurrency(),
  deferral: {
    batches: new DynamoDbWebhookBatches(documentClient, config.tableName()),
    aboveEvents: config.webhookDeferAboveEvents(),
  },
});
