import { CfnOutput, Duration } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { routes, type RouteDefinition } from '../functions/routes.ts';
import { LambdaFunction } from './lambda-function.ts';

export interface SessionApiProps {
  table: ITable;
  /** granted for reading to the routes that declare `readsSecrets` */
  secret: ISecret;
  /** environment every route function gets (secrets' ARNs, default number, ...) */
  environment: Record<string, string>;
  routes?: readonly RouteDefinition[];
  /** the business's own rate card file, for the functions that price */
  rateCardFile?: string;
}

const functionId = (handlerName: string): string =>
  handlerName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** The HTTP API: one route and one function per entry of the route list. */
export class SessionApi extends Construct {
  readonly httpApi: HttpApi;
  readonly functions: Record<string, NodejsFunction> = {};

  constructor(scope: Construct, id: string, props: SessionApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'WhatsApp session engine: Meta webhooks, send API, sessions, templates, cost reports',
      createDefaultStage: true,
    });
    const list: readonly RouteDefinition[] = props.routes ?? routes;
    for (const route of list) {
      const { function: fn } = new LambdaFunction(this, functionId(route.handler), {
        handlerName: route.handler,
        table: props.table,
        tableActions: route.tableActions,
        ...(route.timeoutSeconds ? { timeout: Duration.seconds(route.timeoutSeconds) } : {}),
        ...(props.rateCardFile ? { rateCardFile: props.rateCardFile } : {}),
        environment: {
          ...props.environment,
          ...(route.readsSecrets ? { WHATSAPP_SECRET_ARN: props.secret.secretArn } : {}),
        },
      });
      if (route.readsSecrets) props.secret.grantRead(fn);
      this.functions[route.handler] = fn;
      this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${functionId(route.handler)}Integration`, fn),
      });
    }
    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint, description: 'Base URL of the HTTP API' });
  }
}
