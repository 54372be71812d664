/**
 * The one declaration of the HTTP API. The CDK stack (lib/http-api.ts) and the local server
 * (bin/local/server.ts) both build their routes from this list, so they cannot drift.
 */

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

export type RouteAuth =
  /** open: Meta's verification handshake, or read-only session state without message content */
  | 'none'
  /** `X-Hub-Signature-256` with the app secret, checked by the handler over the raw body */
  | 'webhookSignature'
  /** `Authorization: Bearer <API token>` */
  | 'apiToken';

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template, `{name}` for a path parameter */
  path: string;
  /** the folder under functions/ whose index.ts exports `handler` */
  handler: string;
  auth: RouteAuth;
  tableActions: readonly TableAction[];
  /** reads the WhatsApp secret (app secret, verify token, access token, API tokens) */
  readsSecrets: boolean;
  /** Lambda timeout when the default (10 s) is too short, e.g. while Meta's API is retried */
  timeoutSeconds?: number;
  /** reads stored media from the media bucket (lib/media-bucket.ts grants s3:GetObject on media/*) */
  readsMedia?: boolean;
}

/** What sending does: contact, window and template reads, pacing, idempotency records, the message record. */
const SEND_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const satisfies readonly TableAction[];

/** What a webhook POST does to the table: reads, conditional writes and transactions (which need each write action). */
const WEBHOOK_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const satisfies readonly TableAction[];

export const routes = [
  {
    method: 'GET',
    path: '/webhook',
    handler: 'webhook-verify',
    auth: 'none',
    tableActions: [],
    readsSecrets: true,
  },
  {
    method: 'POST',
    path: '/webhook',
    handler: 'webhook',
    auth: 'webhookSignature',
    tableActions: WEBHOOK_ACTIONS,
    readsSecrets: true,
  },
  {
    method: 'GET',
    path: '/contacts/{userId}/session',
    handler: 'get-session',
    auth: 'none',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query'],
    readsSecrets: false,
  },
  {
    method: 'POST',
    path: '/messages',
    handler: 'send-message',
    auth: 'apiToken',
    tableActions: SEND_ACTIONS,
    readsSecrets: true,
    // Meta's API is retried with backoff for up to ~25 s; API Gateway itself gives up at 30 s.
    timeoutSeconds: 29,
  },
  {
    method: 'PUT',
    path: '/templates/{name}/{language}',
    handler: 'put-template',
    auth: 'apiToken',
    tableActions: ['dynamodb:UpdateItem'],
    readsSecrets: true,
  },
  {
    method: 'GET',
    path: '/templates',
    handler: 'list-templates',
    auth: 'apiToken',
    tableActions: ['dynamodb:Query'],
    readsSecrets: true,
  },
  {
    method: 'GET',
    path: '/reports/cost',
    handler: 'get-cost-report',
    auth: 'apiToken',
    tableActions: ['dynamodb:Query'],
    readsSecrets: true,
    timeoutSeconds: 29,
  },
  {
    method: 'GET',
    path: '/contacts/{userId}/messages',
    handler: 'get-contact-messages',
    auth: 'apiToken',
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query'],
    readsSecrets: true,
  },
  {
    method: 'GET',
    path: '/media/{wamid}/{mediaId}',
    handler: 'get-media',
    auth: 'apiToken',
    tableActions: ['dynamodb:GetItem'],
    readsSecrets: true,
    readsMedia: true,
  },
  {
    method: 'POST',
    path: '/media',
    handler: 'upload-media',
    auth: 'apiToken',
    tableActions: [],
    readsSecrets: true,
    // an upload of up to Meta's limits, retried with backoff like a send
    timeoutSeconds: 29,
  },
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof routes)[number];
