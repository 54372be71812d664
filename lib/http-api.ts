import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpApi, HttpMethod, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../functions/commons/metrics.ts';
import { secretArnVariable, type SecretName } from '../functions/commons/secret-names.ts';
import { isMetaRoute, routes, type RouteDefinition } from '../functions/routes.ts';
import type { DeploySettings } from './deploy-settings.ts';
import { LambdaFunction } from './lambda-function.ts';

/** Namespace of the engine's own metrics: the functions' EMF figures, and the access-log filters here. */
export { METRICS_NAMESPACE };

export interface SessionApiProps {
  table: ITable;
  /** each granted for reading only to the routes that name it in `secrets` */
  secrets: Record<SecretName, ISecret>;
  /** environment every route function gets (secrets' ARNs, default number, ...) */
  environment: Record<string, string>;
  settings: Pick<DeploySettings, 'webhookThrottle' | 'apiThrottle' | 'reservedConcurrency' | 'accessLogRetentionDays'>;
  routes?: readonly RouteDefinition[];
  /** the business's own rate card file, for the functions that price */
  rateCardFile?: string;
}

/** `<VARIABLE>_ARN` of exactly the named secrets: a function is not even told where the others are. */
export const secretEnvironment = (
  secrets: Record<SecretName, ISecret>,
  names: readonly SecretName[],
): Record<string, string> =>
  Object.fromEntries(names.map((name) => [secretArnVariable(name), secrets[name].secretArn]));

const functionId = (handlerName: string): string =>
  handlerName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * One JSON line per request: who (source IP), what (route key), the outcome and how long it took.
 * Never the body, the query string nor any header but the user agent, so no token, signature or
 * message text is ever written (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html).
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  responseLength: '$context.responseLength',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  errorMessage: '$context.error.message',
})
  // Numbers unquoted, so metric filters compare them as numbers; each is always set.
  .replace('"$context.status"', '$context.status')
  .replace('"$context.responseLatency"', '$context.responseLatency');

/** The HTTP API: one route and one function per entry of the route list, throttled and access-logged. */
export class SessionApi extends Construct {
  readonly httpApi: HttpApi;
  readonly functions: Record<string, NodejsFunction> = {};
  readonly accessLogs: LogGroup;
  /** from the access logs: POST /webhook requests, their latency, their 401s; sends by status */
  readonly metrics: { webhookRequests: Metric; webhookLatency: Metric; webhookUnauthorized: Metric; sends: Metric };

  constructor(scope: Construct, id: string, props: SessionApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'WhatsApp session engine: Meta webhooks, send API, sessions, templates, cost reports',
      createDefaultStage: true,
    });
    const list: readonly RouteDefinition[] = props.routes ?? routes;
    const apiRoutes: HttpRoute[] = [];
    for (const route of list) {
      const { function: fn } = new LambdaFunction(this, functionId(route.handler), {
        handlerName: route.handler,
        table: props.table,
        tableActions: route.tableActions,
        ...(route.tableIndexes ? { tableIndexes: route.tableIndexes } : {}),
        ...(route.timeoutSeconds ? { timeout: Duration.seconds(route.timeoutSeconds) } : {}),
        ...(route.memoryMb ? { memorySize: route.memoryMb } : {}),
        ...(props.rateCardFile ? { rateCardFile: props.rateCardFile } : {}),
        ...(props.settings.reservedConcurrency[route.handler]
          ? { reservedConcurrency: props.settings.reservedConcurrency[route.handler] }
          : {}),
        environment: { ...props.environment, ...secretEnvironment(props.secrets, route.secrets) },
      });
      for (const name of route.secrets) props.secrets[name].grantRead(fn);
      for (const rule of ['Serverless-LambdaDLQ', 'Serverless-LambdaAsyncFailureDestination']) {
        Validations.of(fn).acknowledge({
          id: rule,
          reason:
            'API Gateway invokes this function synchronously and hands its answer to the caller (Meta retries webhooks itself); dead-letter queues and failure destinations apply to asynchronous invocations only.',
        });
      }
      this.functions[route.handler] = fn;
      const [apiRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${functionId(route.handler)}Integration`, fn),
      });
      if (apiRoute) {
        apiRoutes.push(apiRoute);
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: isMetaRoute(route)
            ? "Meta cannot present an API Gateway authorizer's credentials: the handler checks Meta's own (X-Hub-Signature-256 over the raw body, or the verify token) before anything else."
            : `The handler checks "Authorization: Bearer" against the API tokens with the "${route.auth === 'apiToken' ? route.scope : ''}" scope (functions/commons/http/api-token.ts) before anything else; a Lambda authorizer would read the same secret and add a hop.`,
        });
      }
    }

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.settings.accessLogRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = this.httpApi.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = { destinationArn: this.accessLogs.logGroupArn, format: ACCESS_LOG_FORMAT };
    Validations.of(this.httpApi.defaultStage ?? this).acknowledge({
      id: 'Serverless-APIGWStructuredLogging',
      reason:
        'The access log is one JSON object per request; status and latency are written as JSON numbers (unquoted $context variables) so the metric filters compare and extract them as numbers, which leaves the template itself, before API Gateway fills it in, unparseable as JSON.',
    });
    const { apiThrottle, webhookThrottle } = props.settings;
    stage.defaultRouteSettings = {
      throttlingRateLimit: apiThrottle.rateLimit,
      throttlingBurstLimit: apiThrottle.burstLimit,
    };
    // Meta's routes get their own, larger limits; route settings need the routes to exist first.
    stage.routeSettings = Object.fromEntries(
      list
        .filter(isMetaRoute)
        // A free-form map, so in CloudFormation's own (PascalCase) property names.
        .map((route) => [
          `${route.method} ${route.path}`,
          { ThrottlingRateLimit: webhookThrottle.rateLimit, ThrottlingBurstLimit: webhookThrottle.burstLimit },
        ]),
    );
    for (const apiRoute of apiRoutes) stage.node.addDependency(apiRoute);

    const filter = (name: string, pattern: string, value = '1', unit?: string, dimensions?: Record<string, string>) =>
      new MetricFilter(this, name, {
        logGroup: this.accessLogs,
        filterPattern: FilterPattern.literal(pattern),
        metricNamespace: METRICS_NAMESPACE,
        metricName: name,
        metricValue: value,
        ...(unit ? { unit: unit as never } : {}),
        ...(dimensions ? { dimensions } : {}),
      }).metric({ period: Duration.minutes(5) });
    this.metrics = {
      webhookRequests: filter('WebhookRequests', '{ $.routeKey = "POST /webhook" }'),
      webhookLatency: filter('WebhookLatency', '{ $.routeKey = "POST /webhook" }', '$.latencyMs', 'Milliseconds'),
      webhookUnauthorized: filter('WebhookUnauthorized', '{ $.routeKey = "POST /webhook" && $.status = 401 }'),
      sends: filter('SendResponses', '{ $.routeKey = "POST /messages" }', '1', undefined, { Status: '$.status' }),
    };
    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint, description: 'Base URL of the HTTP API' });
  }
}
