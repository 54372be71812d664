import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { healthAfter, type HealthSignal, type HealthState } from '#domain/account-health';
import { subjectOf, type HealthStore, type HealthSubject, type StoredHealth } from './health-store';
import { queryPartition } from './query-partition';
import { putUnderVersion } from './versioned-put';
import { HEALTH_PK, healthAttributes, healthKeyOf, toHealthState } from './items/account-health';

/** Account-health items on the single table: read, decided by the domain, put under the version read. */
export class DynamoDbHealthStore implements HealthStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async applyHealth(subject: HealthSubject, signal: HealthSignal): Promise<HealthState> {
    let decided: HealthState = {};
    await putUnderVersion(this.client, this.tableName, healthKeyOf(subject), (item) => {
      const current = toHealthState(item);
      decided = healthAfter(current, signal);
      return decided === current && item ? undefined : healthAttributes(subject, decided);
    });
    return decided;
  }

  async listHealth(): Promise<StoredHealth[]> {
    const items = await queryPartition(this.client, this.tableName, HEALTH_PK);
    return items.map((item) => ({ ...subjectOf(item), state: toHealthState(item) }));
  }
}
