/**
 * The one declaration of the HTTP API. The CDK stack (lib/http-api.ts) and the local server
 * (bin/local/server.ts) both build their routes from this list, so they cannot drift.
 */
import type { SecretName } from './commons/secret-names.ts';

export type { SecretName } from './commons/secret-names.ts';

/** DynamoDB actions a handler performs; its IAM policy grants exactly these on the table. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

/**
 * What an API token may do. A token without scopes may do everything (README: Security).
 * `read`: sessions, history, media, templates, number health, cost reports; `send`: messages, media uploads; `admin`: template
 * registration and sync.
 */
export const apiScopes = ['read', 'send', 'admin'] as const;
export type ApiScope = (typeof apiScopes)[number];

interface RouteCommon {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template, `{name}` for a path parameter */
  path: string;
  /** the folder under functions/ whose index.ts exports `handler` */
  handler: string;
  tableActions: readonly TableAction[];
  /** the only secrets the function reads: its role may read these and no other */
  secrets: readonly SecretName[];
  /** Lambda timeout when the default (10 s) is too short, e.g. while Meta's API is retried */
  timeoutSeconds?: number;
  /**
   * Lambda memory, MB, which also sets its CPU share (a whole vCPU at 1,769 MB:
   * https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html); chosen from the bench's
   * emulation, with the cost per million invocations at each size in the README (Performance).
   * Unset, apiRoute's (and lib/lambda-function.ts's) 512.
   */
  memoryMb?: number;
  /** the table's indexes the handler queries (its grant names only these), e.g. the history index */
  tableIndexes?: readonly string[];
  /** reads stored media from the media bucket (lib/media-bucket.ts grants s3:GetObject on media/*) */
  readsMedia?: boolean;
}

export type RouteDefinition = RouteCommon &
  (
    | /** Meta's handshake: `hub.verify_token` against the verify token */ { auth: 'metaVerifyToken' }
    | /** `X-Hub-Signature-256` with the app secret, checked by the handler over the raw body */ {
        auth: 'webhookSignature';
      }
    | /** `Authorization: Bearer <API token>` whose token carries `scope` */ { auth: 'apiToken'; scope: ApiScope }
  );

/** The two routes Meta calls: they authenticate by Meta's own means, never by our API tokens. */
export const isMetaRoute = (route: RouteDefinition): boolean => route.auth !== 'apiToken';

/**
 * What sending and a webhook POST both do to the table: contact, window and template reads, conditional
 * writes and transactions (which need each write action), pacing and idempotency records, the message record.
 */
const READ_WRITE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const satisfies readonly TableAction[];

/** What an API route is unless it says otherwise: guarded by the API tokens, its only secret, at 512 MB. */
const API_ROUTE = { auth: 'apiToken', secrets: ['apiTokens'], memoryMb: 512 } as const;

type ApiRouteSettings = Omit<RouteCommon, 'secrets'> & Partial<Pick<RouteCommon, 'secrets'>> & { scope: ApiScope };

/**
 * An API route: its own settings over API_ROUTE's. Marked free of side effects, so that a bundle
 * importing one declaration of this file (#commons/route-access) does not keep the whole list.
 */
const apiRoute = /* @__NO_SIDE_EFFECTS__ */ <const R extends ApiRouteSettings>(route: R) =>
  ({ ...API_ROUTE, ...route }) as Omit<typeof API_ROUTE, keyof R> & R;

export const routes = [
  {
    method: 'GET',
    path: '/webhook',
    handler: 'webhook-verify',
    memoryMb: 512,
    auth: 'metaVerifyToken',
    tableActions: [],
    secrets: ['verifyToken'],
  },
  {
    method: 'POST',
    path: '/webhook',
    handler: 'webhook',
    // Measured (README: Performance): a single event is ~20 ms of SDK CPU, stretched 3.5× at 512 MB
    // past Meta's tail; at 1,024 MB its p99 holds for about a third more per invocation.
    memoryMb: 1024,
    auth: 'webhookSignature',
    tableActions: READ_WRITE_ACTIONS,
    secrets: ['appSecret'],
  },
  apiRoute({
    method: 'GET',
    path: '/contacts/{userId}/session',
    handler: 'get-session',
    scope: 'read',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query'],
  }),
  apiRoute({
    method: 'POST',
    path: '/messages',
    handler: 'send-message',
    scope: 'send',
    tableActions: READ_WRITE_ACTIONS,
    secrets: ['apiTokens', 'accessToken'],
    // Meta's API is retried with backoff for up to ~25 s; API Gateway itself gives up at 30 s.
    timeoutSeconds: 29,
  }),
  apiRoute({
    method: 'PUT',
    path: '/templates/{name}/{language}',
    handler: 'put-template',
    scope: 'admin',
    // reads the status Meta set before registering (a PUT never overrules it)
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  }),
  apiRoute({
    method: 'POST',
    path: '/templates/sync',
    handler: 'sync-templates',
    scope: 'admin',
    // reads the registry, then writes what Meta's template list says
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    // the caller's token, then Meta's access token for the template list
    secrets: ['apiTokens', 'accessToken'],
    // every page of Meta's list, retried like a send
    timeoutSeconds: 29,
  }),
  apiRoute({
    method: 'GET',
    path: '/templates',
    handler: 'list-templates',
    scope: 'read',
    tableActions: ['dynamodb:Query'],
  }),
  apiRoute({
    method: 'GET',
    path: '/numbers/{phoneNumberId}',
    handler: 'get-number',
    scope: 'read',
    // the one HEALTH partition and the TEMPLATES partition, a Query each
    tableActions: ['dynamodb:Query'],
  }),
  apiRoute({
    method: 'GET',
    path: '/reports/cost',
    handler: 'get-cost-report',
    scope: 'read',
    tableActions: ['dynamodb:Query'],
    // a month's report is ~0.4 s of CPU: twice the share of 512 MB halves it, for the same GB-seconds
    memoryMb: 1024,
    timeoutSeconds: 29,
  }),
  apiRoute({
    method: 'GET',
    path: '/contacts/{userId}/messages',
    handler: 'get-contact-messages',
    scope: 'read',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query'],
    tableIndexes: ['history'],
    // the API tokens authenticate the caller and key the page cursors (#http/cursor)
    secrets: ['apiTokens'],
  }),
  apiRoute({
    method: 'GET',
    path: '/media/{wamid}/{mediaId}',
    handler: 'get-media',
    scope: 'read',
    tableActions: ['dynamodb:GetItem'],
    readsMedia: true,
  }),
  apiRoute({
    method: 'POST',
    path: '/media',
    handler: 'upload-media',
    scope: 'send',
    tableActions: [],
    // the caller's token, then Meta's access token for the upload itself
    secrets: ['apiTokens', 'accessToken'],
    // an upload of up to Meta's limits, retried with backoff like a send
    timeoutSeconds: 29,
  }),
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof routes)[number];

export type HandlerName = Route['handler'];

/** The route served by a function folder (each folder serves exactly one route). */
export const routeOf = (handler: HandlerName): RouteDefinition => {
  const route = (routes as readonly RouteDefinition[]).find((candidate) => candidate.handler === handler);
  if (!route) throw new Error(`no route is served by functions/${handler}`);
  return route;
};

/** The scheduled cost report is no route, but reads a secret too: for Meta's pricing_analytics. */
export const costReportSecrets = ['accessToken'] as const satisfies readonly SecretName[];

/** The scheduled template sync is no route: it reads Meta's template list with the access token. */
export const templateSyncSecrets = ['accessToken'] as const satisfies readonly SecretName[];

/** The media worker is no route either: it downloads media from Meta with the access token, nothing else. */
export const mediaWorkerSecrets = ['accessToken'] as const satisfies readonly SecretName[];
