import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consentAfter, NO_CONSENT_RECORD, type ConsentSignal, type ConsentState } from '#domain/consent';
import type { ConsentStore } from './consent-store';
import type { ContactRef } from './contact-store';
import { consentItem, toConsentState } from './items/consent';

const ATTEMPTS = 5;

/** Consent items on the single table: read, decided by the domain, put under the version read. */
export class DynamoDbConsentStore implements ConsentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async applyConsent(contact: ContactRef, signal: ConsentSignal): Promise<ConsentState> {
    const key = consentItem.key(contact.phoneNumberId, contact.contactId);
    for (let attempt = 1; ; attempt += 1) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const current = Item ? toConsentState(Item) : NO_CONSENT_RECORD;
      const next = consentAfter(current, signal);
      if (next === current) return current;
      const version = Item ? Number(Item.version ?? 0) : undefined;
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, ...next, version: (version ?? 0) + 1 },
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
}
