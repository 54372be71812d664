import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { gcra, type RateLimit } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';
import { DynamoDbPairSlotMerge, PAIR_ATTEMPTS } from './dynamodb-pair-slot-merge';
import {
  numberSlotExpiry,
  numberSlotItem,
  pacingConditions,
  pairSlotItem,
  storedArrival,
  toPairSlotItem,
} from './items/pacing-slot';
import type { PacingResult, PacingStore } from './pacing-store';

/** Send pacing on the single table: a merge's fold of the pair rate (the base class) and the send's slots. */
export class DynamoDbPacingStore extends DynamoDbPairSlotMerge implements PacingStore {
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
}
