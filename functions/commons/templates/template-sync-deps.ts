import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { systemClock } from '#domain/time';
import { listMessageTemplates } from '#graph/message-templates';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import type { TemplateSyncDeps } from './sync-templates';

/**
 * What both syncs run on in Lambda, POST /templates/sync and the 15-minute schedule: the table's
 * template registry and Meta's template list read with the access token each is given.
 */
export const templateSyncDeps = (accessToken: () => Promise<string>): TemplateSyncDeps => ({
  store: new DynamoDbTemplateStore(documentClient, config.tableName()),
  listTemplates: (wabaId) =>
    listMessageTemplates(
      { baseUrl: config.whatsAppApiUrl(), apiVersion: config.whatsAppApiVersion(), accessToken },
      wabaId,
    ),
  clock: systemClock,
});
