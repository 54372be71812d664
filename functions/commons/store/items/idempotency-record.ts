import { DAY } from '#domain/time';
import type { TableKey } from '../table-schema';
import { anyOf, declare } from './declaration';

/**
 * Powertools' idempotency record of one send (POST /messages with an Idempotency-Key). Powertools
 * owns its format and writes it (DynamoDBPersistenceLayer); we declare where it lives so the table,
 * the handler's wiring and stream readers agree.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
 */
export type IdempotencyRecordItem = TableKey & {
  /** Powertools' record status: INPROGRESS, COMPLETED or EXPIRED */
  status: string;
  expiresAt: number;
  in_progress_expiration?: number;
  /** the first response, answered again to the same key and body */
  data?: string;
  /** hash of the body, to refuse the same key with another body */
  validation?: string;
};

const PK = 'IDEMPOTENCY';

export const idempotencyRecordItem = declare({
  kind: 'idempotency-record',
  /** `idempotencyKey` is Powertools' own: `<function name>#<hash of the Idempotency-Key header>` */
  pk: PK,
  sk: anyOf((idempotencyKey: string) => idempotencyKey),
  ttl: 'expiresAt',
  accessPatterns: [
    /** PutItem by Powertools before the send (condition: absent, expired, or in progress past its time) */
    'claim',
    /** PutItem by Powertools with the response after the send */
    'complete',
  ],
});

/** The same key and body within this time answer the first response and send once. */
export const IDEMPOTENCY_SECONDS = DAY;

/** DynamoDBPersistenceLayer's options that place the record in our table. */
export const idempotencyPersistence = {
  keyAttr: 'pk',
  sortKeyAttr: 'sk',
  staticPkValue: PK,
  expiryAttr: 'expiresAt',
} as const;
