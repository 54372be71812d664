import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MediaRecord } from '#domain/media';
import { readItem, writeIfCondition } from '#store/item-commands';
import { keys } from '#store/keys';

/** The media fields of a message item: what the worker records, what GET /media reads. */
export interface MessageMedia {
  phoneNumberId: string;
  media: MediaRecord;
  expiresAt?: number;
}

export interface MediaStateStore {
  read(wamid: string): Promise<MessageMedia | undefined>;
  /** stored wins over anything; a redelivered stream record after success changes nothing */
  markStored(wamid: string, location: { bucket: string; key: string }, size: number): Promise<void>;
  /** only while pending: a later success is never turned into a failure */
  markFailed(wamid: string, reason: string): Promise<void>;
}

const MAX_REASON_CHARS = 500;

export class DynamoDbMediaStateStore implements MediaStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(wamid: string): Promise<MessageMedia | undefined> {
    const item = await readItem(this.client, this.tableName, keys.message(wamid), {
      ProjectionExpression: 'phoneNumberId, media, expiresAt',
    });
    if (!item?.media) return undefined;
    return item as unknown as MessageMedia;
  }

  private async update(
    wamid: string,
    expression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
    condition: string,
  ) {
    await writeIfCondition(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.message(wamid),
        UpdateExpression: expression,
        ConditionExpression: `attribute_exists(media) AND ${condition}`,
        ExpressionAttributeNames: { '#state': 'state', ...names },
        ExpressionAttributeValues: values,
      }),
    );
  }

  markStored(wamid: string, location: { bucket: string; key: string }, size: number): Promise<void> {
    // The bucket beside the key, so `media.stored` can name the location from the stream image alone.
    return this.update(
      wamid,
      'SET media.#state = :stored, media.#key = :key, media.#bucket = :bucket, media.size = :size REMOVE media.reason',
      { '#key': 'key', '#bucket': 'bucket' },
      { ':stored': 'stored', ':key': location.key, ':bucket': location.bucket, ':size': size },
      'media.#state <> :stored',
    );
  }

  markFailed(wamid: string, reason: string): Promise<void> {
    return this.update(
      wamid,
      'SET media.#state = :failed, media.reason = :reason',
      {},
      { ':failed': 'failed', ':reason': reason.slice(0, MAX_REASON_CHARS), ':pending': 'pending' },
      'media.#state = :pending',
    );
  }
}
