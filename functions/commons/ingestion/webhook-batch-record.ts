import type { DynamoDBRecord } from 'aws-lambda';
import { webhookBatchItem } from '#store/items/webhook-batch';
import type { StoredChunk } from './webhook-batch';

/**
 * Lambda's event filter for the apply-webhook-batch function: inserted webhook batch chunks only
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax).
 */
export const WEBHOOK_BATCH_STREAM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'WEBHOOK_BATCH#' }] }, sk: { S: [{ prefix: 'CHUNK#' }] } } },
} as const;

/**
 * The chunk an inserted stream record carries, or undefined for any other record (the local
 * stream reader hands every record over; Lambda's filter does this on AWS). Binary attributes
 * arrive base64-encoded from Lambda and as bytes from the SDK's stream client.
 */
export const chunkOfRecord = (record: DynamoDBRecord): StoredChunk | undefined => {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const pk = image.pk?.S;
  const sk = image.sk?.S;
  if (pk === undefined || sk === undefined || !webhookBatchItem.matches({ pk, sk })) return undefined;
  const bytes = image.payload?.B as string | Uint8Array | undefined;
  if (bytes === undefined) return undefined;
  return {
    batchId: image.batchId?.S ?? pk,
    chunk: Number(image.chunk?.N ?? 0),
    receivedAt: Number(image.receivedAt?.N),
    payload: typeof bytes === 'string' ? Buffer.from(bytes, 'base64') : bytes,
  };
};
