import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { gcra, mergedArrival, type RateLimit } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';
import {
  numberSlotExpiry,
  numberSlotItem,
  pacingConditions,
  pairSlotItem,
  storedArrival,
  toPairSlotItem,
} from './items/pacing-slot';
import type { PacingResult, PacingStore } from './pacing-store';

/** Optimistic attempts at the pair slot before the send itself counts as over the pair rate. */
export const PAIR_ATTEMPTS = 5;

export class DynamoDbPacingStore implements PacingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async takeNumberSlot(phoneNumberId: string, now: EpochSeconds, messagesPerSecond: number): Promise<PacingResult> {
    const second = Math.floor(now);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: numberSlotItem.key(phoneNumberId, second),
          UpdateExpression: 'ADD sends :one SET expiresAt = :expiresAt',
          ConditionExpression: pacingConditions.underLimit,
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': messagesPerSecond,
            ':expiresAt': numberSlotExpiry(second),
          },
        }),
      );
      return { allowed: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { allowed: false, retryAfter: 1 };
      throw error;
    }
  }

  async takePairSlot(
    phoneNumberId: string,
    contactId: string,
    now: EpochSeconds,
    limit: RateLimit,
  ): Promise<PacingResult> {
    const key = pairSlotItem.key(phoneNumberId, contactId);
    for (let attempt = 0; attempt < PAIR_ATTEMPTS; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const stored = storedArrival(Item);
      const decision = gcra(limit, stored, now);
      if (!decision.allowed) return decision;
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toPairSlotItem(phoneNumberId, contactId, decision.next),
            ...(stored === undefined
              ? { ConditionExpression: pacingConditions.firstSend }
              : {
                  ConditionExpression: pacingConditions.arrivalRead,
                  ExpressionAttributeValues: { ':stored': stored },
                }),
          }),
        );
        return { allowed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // Sends to one user racing this hard are themselves over the pair rate.
    return { allowed: false, retryAfter: Math.ceil(limit.interval) };
  }

  async mergePairSlot(phoneNumberId: string, from: string, into: string, now: EpochSeconds): Promise<void> {
    if (from === into) return;
    const fromKey = pairSlotItem.key(phoneNumberId, from);
    const { Item: theirs } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: fromKey, ConsistentRead: true }),
    );
    if (typeof theirs?.tat !== 'number') return;
    const key = pairSlotItem.key(phoneNumberId, into);
    for (let attempt = 0; attempt < PAIR_ATTEMPTS; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const stored = storedArrival(Item);
      const tat = mergedArrival(stored, theirs.tat, now);
      try {
        if (tat !== undefined) {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: toPairSlotItem(phoneNumberId, into, tat),
              ...(stored === undefined
                ? { ConditionExpression: pacingConditions.firstSend }
                : {
                    ConditionExpression: pacingConditions.arrivalRead,
                    ExpressionAttributeValues: { ':stored': stored },
                  }),
            }),
          );
        }
        // Folded: gone from `from`, so a repeat of the merge does not count its backlog twice.
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: fromKey }));
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
}
