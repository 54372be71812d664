import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mergedArrival } from '#domain/pacing';
import type { EpochSeconds } from '#domain/time';
import { pacingConditions, pairSlotItem, storedArrival, toPairSlotItem } from './items/pacing-slot';
import type { PacingStore } from './pacing-store';

/** Optimistic attempts at the pair slot before the send itself counts as over the pair rate. */
export const PAIR_ATTEMPTS = 5;

/**
 * The part of send pacing a contact merge needs: folding one contact's pair rate into another's. On
 * its own so that the contact store (and webhook ingestion with it) holds this without the send's
 * slots; DynamoDbPacingStore adds those on top.
 */
export class DynamoDbPairSlotMerge implements Pick<PacingStore, 'mergePairSlot'> {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

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
