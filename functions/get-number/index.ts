import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { toNumberHealthView } from '#domain/health-view';
import { systemClock, type Clock } from '#domain/time';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { badRequest } from '#http/errors';
import { json } from '#http/responses';
import { parseDisplayNumbers } from '#report/report-insights';
import { DynamoDbHealthStore } from '#store/dynamodb-health-store';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import type { HealthStore } from '#store/health-store';
import type { TemplateStore } from '#store/template-store';

export interface GetNumberDeps {
  health: Pick<HealthStore, 'listHealth'>;
  templates: Pick<TemplateStore, 'listTemplateQuality'>;
  clock: Clock;
  /** WHATSAPP_DISPLAY_NUMBERS: how to find a number Meta's quality webhook named by its display number */
  displayNumbers: () => string | undefined;
  secrets: () => Promise<Secrets<'apiTokens'>>;
}

const PHONE_NUMBER_ID = /^\d{1,20}$/;

/** GET /numbers/{phoneNumberId}: the number's quality, messaging limit, restrictions and its templates' quality. */
export const createHandler = (deps: GetNumberDeps) =>
  apiHandler(
    async (event: APIGatewayProxyEventV2) => {
      const phoneNumberId = event.pathParameters?.phoneNumberId ?? '';
      if (!PHONE_NUMBER_ID.test(phoneNumberId)) {
        throw badRequest(
          'INVALID_PHONE_NUMBER_ID',
          `phoneNumberId must be Meta's phone number id (digits only, e.g. 106540352242922) or the display number's digits, not ${JSON.stringify(phoneNumberId.slice(0, 40))}.`,
        );
      }
      const [records, templates] = await Promise.all([deps.health.listHealth(), deps.templates.listTemplateQuality()]);
      const displayNumber = parseDisplayNumbers(deps.displayNumbers())[phoneNumberId];
      return json(
        200,
        toNumberHealthView({
          phoneNumberId,
          ...(displayNumber ? { displayNumber } : {}),
          records,
          templates,
          now: deps.clock(),
        }),
      );
    },
    { middlewares: [requireApiToken(deps.secrets, 'get-number')] },
  );

export const handler = createHandler({
  health: new DynamoDbHealthStore(documentClient, config.tableName()),
  templates: new DynamoDbTemplateStore(documentClient, config.tableName()),
  clock: systemClock,
  displayNumbers: () => config.displayNumbers(),
  secrets: routeSecrets('get-number'),
});
