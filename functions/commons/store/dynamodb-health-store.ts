import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { healthAfter, type HealthSignal, type HealthState } from '#domain/account-health';
import { subjectOf, type HealthStore, type HealthSubject, type StoredHealth } from './health-store';
import { HEALTH_PK, healthAttributes, healthKeyOf, toHealthState } from './items/account-health';

const ATTEMPTS = 5;

/** Account-health items on the single table: read, decided by the domain, put under the version read. */
export class DynamoDbHealthStore implements HealthStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async applyHealth(subject: HealthSubject, signal: HealthSignal): Promise<HealthState> {
    const key = healthKeyOf(subject);
    for (let attempt = 1; ; attempt += 1) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const current = toHealthState(Item);
      const next = healthAfter(current, signal);
      if (next === current && Item) return current;
      const version = Item ? Number(Item.version ?? 0) : undefined;
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, ...healthAttributes(subject, next), version: (version ?? 0) + 1 },
            ConditionExpression: version === undefined ? 'attribute_not_exists(pk)' : 'version = :version',
            ...(version === undefined ? {} : { ExpressionAttributeValues: { ':version': version } }),
          }),
        );
        return next;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  async listHealth(): Promise<StoredHealth[]> {
    const found: StoredHealth[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': HEALTH_PK },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) found.push({ ...subjectOf(item), state: toHealthState(item) });
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }
}
