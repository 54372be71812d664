import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { injectLambdaContext, logger } from '#commons/logger';
import { loadSecrets } from '#commons/secrets';
import { mediaWorkerSecrets } from '#routes';
import { createGraphMedia } from '../commons/media/graph-media';
import { mediaConfig } from '../commons/media/media-config';
import { DynamoDbMediaStateStore } from '../commons/media/media-state-store';
import { S3MediaStorage } from '../commons/media/media-storage';
import { pendingMediaOf, storeInboundMedia, type StoreMediaDeps } from '../commons/media/store-inbound-media';

/**
 * The media worker: fed by the table's stream (inserted inbound media messages only), it copies each
 * file from Meta to the media bucket. A record whose outcome could not be recorded is reported back
 * (ReportBatchItemFailures), so the stream retries just that one and, after its limit, parks it.
 */
export const createHandler = (deps: () => StoreMediaDeps) =>
  middy<DynamoDBStreamEvent, DynamoDBBatchResponse>(async (event: DynamoDBStreamEvent) => {
    const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const pending = pendingMediaOf(record);
        if (!pending) return;
        try {
          const state = await storeInboundMedia(deps(), pending);
          logger.info('inbound media', { wamid: pending.wamid, type: pending.type, state });
        } catch (error) {
          logger.error('inbound media not recorded; the stream will retry', {
            wamid: pending.wamid,
            error: error as Error,
          });
          failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
        }
      }),
    );
    return { batchItemFailures: failures };
  }).use(injectLambdaContext(logger, { resetKeys: true }));

let defaults: StoreMediaDeps | undefined;

export const handler = createHandler(() => {
  defaults ??= {
    graph: createGraphMedia({
      baseUrl: config.whatsAppApiUrl(),
      version: config.whatsAppApiVersion(),
      accessToken: async () => (await loadSecrets(mediaWorkerSecrets)).accessToken,
    }),
    storage: new S3MediaStorage(mediaConfig.bucket),
    state: new DynamoDbMediaStateStore(documentClient, config.tableName()),
    retry: { attempts: 4, baseDelayMs: 500 },
  };
  return defaults;
});
