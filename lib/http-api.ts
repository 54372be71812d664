import { CfnOutput, Duration } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { secretArnVariable, type SecretName } from '../functions/commons/secret-names.ts';
import { Construct } from 'constructs';
import { routes, type RouteDefinition } from '../functions/routes.ts';
import { LambdaFunction } from './lambda-function.ts';

export interface SessionApiProps {
  table: ITable;
  /** each granted for reading only to the routes that name it in `secrets` */
  secrets: Record<SecretName, ISecret>;
  /** environment every route function gets (secrets' ARNs, default number, ...) */
  environment: Record<string, string>;
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
          ...secretEnvironment(props.secrets, route.secrets),
        },
      });
      for (const name of route.secrets) props.secrets[name].grantRead(fn);
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
