import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { EpochSeconds } from '#domain/time';

export type Item = Record<string, unknown>;

/** One item change as the stream reports it, images unmarshalled. */
export interface ItemChange {
  pk: string;
  sk: string;
  /** the item before the change; absent for an insert */
  oldImage?: Item;
  /** the item after the change; absent for a removal (TTL expiry or delete) */
  newImage?: Item;
  /** when DynamoDB recorded the change (the stream's ApproximateCreationDateTime) */
  recordedAt: EpochSeconds;
}

const image = (value: unknown): Item | undefined =>
  value ? unmarshall(value as Record<string, AttributeValue>, { wrapNumbers: false }) : undefined;

/** A stream record with NEW_AND_OLD_IMAGES, as Lambda's event source mapping delivers it. */
export const itemChangeOf = (record: DynamoDBRecord, fallbackNow: EpochSeconds): ItemChange | undefined => {
  const data = record.dynamodb;
  const keys = image(data?.Keys);
  if (!data || !keys || typeof keys.pk !== 'string' || typeof keys.sk !== 'string') return undefined;
  const oldImage = image(data.OldImage);
  const newImage = image(data.NewImage);
  return {
    pk: keys.pk,
    sk: keys.sk,
    ...(oldImage ? { oldImage } : {}),
    ...(newImage ? { newImage } : {}),
    recordedAt: typeof data.ApproximateCreationDateTime === 'number' ? data.ApproximateCreationDateTime : fallbackNow,
  };
};

export const str = (item: Item | undefined, name: string): string | undefined =>
  typeof item?.[name] === 'string' ? (item[name] as string) : undefined;

export const num = (item: Item | undefined, name: string): number | undefined =>
  typeof item?.[name] === 'number' ? (item[name] as number) : undefined;
