import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { TableAction } from '../functions/routes.ts';
import { routeAccessDefine } from '../functions/commons/route-access.ts';
import { tracingDefine } from '../functions/commons/tracer.ts';
import { rateCardDefine } from '../functions/commons/pricing/active-rate-card.ts';
import { loadRateCardFile } from '../functions/commons/pricing/rate-card-file.ts';
import type { RateCard } from '../functions/commons/pricing/rate-card.ts';
import { xraySubsegmentFunctions } from './deploy-settings.ts';

const SHIPPED_RATE_CARD = fileURLToPath(new URL('../functions/commons/pricing/rate-card.json', import.meta.url));
const checkedCards = new Map<string, RateCard>();
/** Once per file and synth; a broken card throws naming the file, the line and the field (bin/app.ts says it first). */
const checkedRateCard = (file: string): RateCard => {
  let card = checkedCards.get(file);
  if (!card) checkedCards.set(file, (card = loadRateCardFile(file)));
  return card;
};

/**
 * What the bundles are built with (the bench measures the same): without subsegments the X-Ray SDK
 * is not even in the bundle (functions/commons/tracer.ts); the rate card checked here goes in as
 * data, without its schema (functions/commons/pricing/active-rate-card.ts); the route of `handlerName`
 * goes in as its access alone, without the route list (functions/commons/route-access.ts).
 */
export const bundleDefine = (
  subsegments: boolean,
  rateCardFile?: string,
  handlerName?: string,
): Record<string, string> => ({
  ...tracingDefine(subsegments),
  ...(handlerName === undefined ? {} : routeAccessDefine(handlerName)),
  ...rateCardDefine(checkedRateCard(rateCardFile ?? SHIPPED_RATE_CARD)),
});

const LAMBDA_CREDENTIALS = fileURLToPath(
  new URL('../functions/commons/clients/lambda-credentials.ts', import.meta.url),
);

/**
 * Packages the bundles take from elsewhere (esbuild's alias; the bench uses the same): the SDK's
 * default credential chain becomes the environment's credentials alone, which is all Lambda gives
 * (functions/commons/clients/lambda-credentials.ts says why).
 */
export const bundleAlias: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS,
};

export interface LambdaFunctionProps {
  /** the folder under functions/ whose index.ts exports `handler` */
  handlerName: string;
  table: ITable;
  /** the only DynamoDB actions this function may perform on the table */
  tableActions: readonly TableAction[];
  /** the table's indexes it queries by name; none by default, so its grant names the table alone */
  tableIndexes?: readonly string[];
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** the business's own rate card (JSON), checked here and compiled into the bundle; unset: the shipped card */
  rateCardFile?: string;
  /** concurrency kept for this function (and its ceiling), so a flood cannot take the account's */
  reservedConcurrency?: number;
  /** asynchronous invocations only (the schedule): where failed events go after the retries */
  deadLetterQueue?: IQueue;
  retryAttempts?: number;
}

/**
 * One Lambda of the engine with the bundling defaults in one place: Node.js 22 on arm64, bundled as
 * ESM by the project's own esbuild (never Docker), minified with source maps, and granted exactly
 * the table actions it declares. Its role is its own: writing to its own log group, X-Ray, and what
 * the caller grants, with no managed policy. Active tracing is on everywhere; Powertools Tracer (X-Ray
 * subsegments, ~120 KB) is bundled only for the functions `-c xraySubsegments` names.
 */
export class LambdaFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handlerName}: its log group, X-Ray and the grants its route declares`,
    });
    logGroup.grantWrite(role);
    const subsegments = xraySubsegmentFunctions((key) => this.node.tryGetContext(key)).includes(props.handlerName);
    this.function = new NodejsFunction(this, 'Function', {
      role,
      entry: fileURLToPath(new URL(`../functions/${props.handlerName}/index.ts`, import.meta.url)),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      tracing: Tracing.ACTIVE,
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.retryAttempts !== undefined ? { retryAttempts: props.retryAttempts } : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        TABLE_NAME: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'whatsapp-session-engine',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the pinned AWS SDK instead of the runtime's copy: the code tested is the code deployed.
        externalModules: [],
        forceDockerBundling: false,
        // Some CommonJS dependencies call require() for Node built-ins; ESM output needs it defined.
        banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
        define: bundleDefine(subsegments, props.rateCardFile, props.handlerName),
        esbuildArgs: { '--alias': Object.entries(bundleAlias).map(([name, path]) => `${name}=${path}`) },
      },
    });
    // The table and only the indexes it names: Table.grant() would add `index/*` once the table has one.
    if (props.tableActions.length > 0) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...props.tableActions],
          resources: [
            props.table.tableArn,
            ...(props.tableIndexes ?? []).map((index) => `${props.table.tableArn}/index/${index}`),
          ],
        }),
      );
    }
    for (const rule of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
      Validations.of(this.function).acknowledge({
        id: rule,
        reason:
          'Pinned to Node.js 22, a supported LTS runtime (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html), so the bundle target (esbuild node22) and the tested runtime are the deployed ones; moving to a newer runtime is a change of its own.',
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).',
    });
  }
}
