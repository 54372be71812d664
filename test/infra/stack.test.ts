import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { costReportSecrets, mediaWorkerSecrets, routes } from '../../functions/routes.ts';
import { secretArnVariable, secretNames, type SecretName } from '../../functions/commons/secret-names.ts';
import { BACKGROUND_FUNCTIONS, deploySettings } from '../../lib/deploy-settings.ts';
import { PRIVATE_ENCRYPTED_BUCKET } from '#test/stack-template';
import { SessionEngineStack } from '../../lib/session-engine-stack.ts';

/** Synthesizes the real stack, bundling every function with the local esbuild (no Docker). */
const DISPLAY_NUMBERS = '106540352242922=+15550000000';
const template = Template.fromStack(
  new SessionEngineStack(new App(), 'Test', {
    defaultPhoneNumberId: '100000000000001',
    settings: deploySettings((key) => (key === 'displayNumbers' ? DISPLAY_NUMBERS : undefined)),
  }),
);

const pascal = (handler: string) => handler.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (type: string): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>);

const statementsOfRole = (roleLogicalId: string) =>
  resources('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId))
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
    );

describe('the deployed stack', () => {
  it('declares the table from the one schema: pk/sk, TTL on expiresAt, on-demand, PITR, encrypted, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('runs every function on Node.js 22, arm64', () => {
    const functions = resources('AWS::Lambda::Function').filter(([id]) => !id.startsWith('LogRetention'));
    // ...and the cost report, publish-events, the media worker and apply-webhook-batch
    expect(functions).toHaveLength(routes.length + 4);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('has one API route per entry of the route list, each with its own function', () => {
    const apiRoutes = resources('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(apiRoutes.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', routes.length);
  });

  it('grants each function exactly the table actions its route declares', () => {
    for (const route of routes) {
      const pascal = route.handler.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
      const [, fn] =
        resources('AWS::Lambda::Function').find(([id]) => new RegExp(`^Api${pascal}Function[0-9A-F]{8}$`).test(id)) ??
        [];
      const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'][0] ?? '';
      expect(roleId).not.toBe('');
      const actions = statementsOfRole(roleId)
        .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
        .filter((action) => action.startsWith('dynamodb:'));
      expect(new Set(actions)).toEqual(new Set(route.tableActions));
    }
  });

  it('gives no function a wildcard on DynamoDB', () => {
    const actions = resources('AWS::IAM::Policy').flatMap(([, policy]) =>
      (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) =>
        Array.isArray(s.Action) ? s.Action : [s.Action],
      ),
    );
    expect(actions).not.toContain('dynamodb:*');
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('grants each function exactly the secrets its route names, and tells it where only those are', () => {
    const secretIds = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    expect(secretIds).toHaveLength(secretNames.length);
    const secretIdOf = (name: string) => secretIds.find((id) => id.startsWith(`WhatsApp${name}`)) ?? 'missing';
    const readers: [RegExp, readonly string[]][] = [
      ...routes.map(
        (route) =>
          [
            new RegExp(
              `^Api${route.handler.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase())}Function[0-9A-F]{8}$`,
            ),
            route.secrets,
          ] as [RegExp, readonly string[]],
      ),
      [/^CostReportFunction[0-9A-F]{8}$/, costReportSecrets],
      [/^MediaWorkerFunction[0-9A-F]{8}$/, mediaWorkerSecrets],
    ];
    for (const [pattern, names] of readers) {
      const [id, fn] = resources('AWS::Lambda::Function').find(([candidate]) => pattern.test(candidate)) ?? [];
      expect(id).toBeDefined();
      const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const granted = statementsOfRole(roleId)
        .filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager:GetSecretValue'))
        .flatMap((statement) => {
          const resource = (statement as unknown as { Resource: unknown }).Resource;
          return (Array.isArray(resource) ? resource : [resource]).map((ref) => (ref as { Ref: string }).Ref);
        });
      expect(new Set(granted)).toEqual(new Set(names.map(secretIdOf)));
      const variables = (fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const arnVariables = Object.keys(variables).filter((name) => name.endsWith('_ARN'));
      expect(new Set(arnVariables)).toEqual(new Set(names.map((name) => secretArnVariable(name as SecretName))));
      for (const name of names) {
        expect(variables[secretArnVariable(name as SecretName)]).toEqual({ Ref: secretIdOf(name) });
      }
    }
  });

  it('gives the send function time for Meta retries, under API Gateway’s 30 s', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 29,
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }) },
    });
  });

  it('runs the cost report daily at 01:00 UTC', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 1 * * ? *)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CostReportFunction'), 'Arn'] } })],
    });
  });

  it('keeps reports in a private, TLS-only, encrypted bucket with a lifecycle', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        ...PRIVATE_ENCRYPTED_BUCKET,
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Prefix: 'reports/',
              Status: 'Enabled',
              ExpirationInDays: 730,
              Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }],
            }),
          ],
        },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets the report function only query the table and fold finished days, put objects under reports/, and log, trace, dead-letter', () => {
    const [, fn] = resources('AWS::Lambda::Function').find(([id]) => /^CostReportFunction[0-9A-F]{8}$/.test(id)) ?? [];
    const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = statementsOfRole(roleId);
    const actions = statements.flatMap((statement) =>
      Array.isArray(statement.Action) ? statement.Action : [statement.Action],
    );
    expect(new Set(actions)).toEqual(
      new Set([
        'dynamodb:Query',
        'dynamodb:PutItem',
        's3:PutObject',
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
      ]),
    );
    const s3 = statements.find((statement) => JSON.stringify(statement.Action).includes('s3:PutObject')) as unknown as {
      Resource: unknown;
    };
    expect(JSON.stringify(s3.Resource)).toContain('/reports/*');
  });

  it('names the report bucket and the latest page as outputs, and lets GET /reports/cost presign only reports/', () => {
    const outputs = Object.values(template.findOutputs('*')) as { Value: unknown; Description: string }[];
    const bucketId = Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('Reports'));
    expect(outputs).toContainEqual(expect.objectContaining({ Value: { Ref: bucketId } }));
    expect(outputs).toContainEqual(expect.objectContaining({ Value: 'reports/latest/daily.html' }));
    const [, fn] =
      resources('AWS::Lambda::Function').find(([id]) => /^ApiGetCostReportFunction[0-9A-F]{8}$/.test(id)) ?? [];
    expect(fn?.Properties.Environment).toEqual({
      Variables: expect.objectContaining({ REPORT_BUCKET: { Ref: bucketId } }),
    });
    const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const s3 = statementsOfRole(roleId).filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
    expect(s3).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/reports/*']] },
      }),
      expect.objectContaining({ Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] } }),
    ]);
  });

  it('tells both report functions, and only them, the display numbers given as -c displayNumbers', () => {
    const named = resources('AWS::Lambda::Function')
      .filter(([, fn]) => JSON.stringify(fn.Properties.Environment ?? {}).includes('WHATSAPP_DISPLAY_NUMBERS'))
      .map(([id, fn]) => {
        expect(fn.Properties.Environment).toEqual({
          Variables: expect.objectContaining({ WHATSAPP_DISPLAY_NUMBERS: DISPLAY_NUMBERS }),
        });
        return id.replace(/[0-9A-F]{8}$/, '');
      });
    expect(named.sort()).toEqual(['ApiGetCostReportFunction', 'CostReportFunction']);
  });

  it('alarms on function errors and on API 5xx', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5xx', Namespace: 'AWS/ApiGateway' });
    for (const name of [
      ...routes.map((route) => route.handler),
      'cost-report',
      'media-worker',
      'apply-webhook-batch',
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: `${name}: the Lambda threw or timed out`,
        MetricName: 'Errors',
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WHATSAPP_PHONE_NUMBER_ID: '100000000000001' }) },
    });
  });

  it('throttles the stage: Meta’s routes at 3 statuses per message sent plus inbound, the rest at the API rate', () => {
    const settings = deploySettings(() => undefined);
    const [[, stage] = []] = resources('AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 160, ThrottlingBurstLimit: 320 },
      RouteSettings: {
        'POST /webhook': { ThrottlingRateLimit: 320, ThrottlingBurstLimit: 640 },
        'GET /webhook': { ThrottlingRateLimit: 320, ThrottlingBurstLimit: 640 },
      },
    });
    expect(settings.webhookThrottle.rateLimit).toBe(4 * settings.messagesPerSecond);
    const routeIds = resources('AWS::ApiGatewayV2::Route').map(([id]) => id);
    const dependsOn = template.findResources('AWS::ApiGatewayV2::Stage') as Record<string, { DependsOn?: string[] }>;
    expect(Object.values(dependsOn)[0]?.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('writes JSON access logs without body, query or Authorization, kept 90 days', () => {
    const [[, stage] = []] = resources('AWS::ApiGatewayV2::Stage');
    const settings = stage?.Properties.AccessLogSettings as { Format: string; DestinationArn: unknown };
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] });
    // As API Gateway fills it in: one JSON object per request.
    const line = JSON.parse(
      settings.Format.replace(/\$context\.(status|responseLatency)/g, '200').replace(/\$context\.[\w.]+/g, 'x'),
    ) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(
      expect.arrayContaining(['requestId', 'routeKey', 'status', 'latencyMs', 'sourceIp']),
    );
    expect(line.status).toBe(200);
    expect(settings.Format).not.toMatch(/body|authorization|header|querystring|\$request/i);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.routeKey = "POST /webhook" && $.status = 401 }',
      MetricTransformations: [Match.objectLike({ MetricName: 'WebhookUnauthorized', MetricValue: '1' })],
    });
  });

  it('reserves concurrency for every function', () => {
    const { reservedConcurrency } = deploySettings(() => undefined);
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      const background: Record<string, string> = {
        'cost-report': 'CostReportFunction',
        'publish-events': 'EventPublisherFunction',
        'media-worker': 'MediaWorkerFunction',
        'apply-webhook-batch': 'WebhookBatchesApply',
      };
      const name = [...routes.map((route) => route.handler), ...BACKGROUND_FUNCTIONS].find((handler) =>
        id.startsWith(background[handler] ?? `Api${pascal(handler)}Function`),
      );
      expect(name).toBeDefined();
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(reservedConcurrency[name as string]);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('notifies the alarm topic from every alarm', () => {
    const [[topicId] = []] = resources('AWS::SNS::Topic');
    expect(topicId).toBeDefined();
    const alarms = resources('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(routes.length + 7);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('alarms on webhook 401s, webhook p99 latency, a missing daily report, DynamoDB throttles and the report DLQ', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'WebhookUnauthorized',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 6,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'WebhookLatency',
      ExtendedStatistic: 'p99',
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'invocations - errors' })]),
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'reads + writes' }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ReadThrottleEvents' }) }),
        }),
      ]),
    });
    const [[queueId] = []] = resources('AWS::SQS::Queue');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('subscribes the alarm e-mail given as context', () => {
    // Construction alone, without bundling the functions again.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SessionEngineStack(app, 'Email', {
      settings: deploySettings((key) => (key === 'alarmEmail' ? 'ops@example.com' : undefined)),
    });
    const subscriptions = Object.values(stack.node.findAll()).filter((c) => c.node.id === 'ops@example.com');
    expect(subscriptions).toHaveLength(1);
  });

  it('has the operator dashboard: webhook rate and latency, 4xx/5xx, sends by outcome, refusals by code, cost', () => {
    const [[, dashboard] = []] = resources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const needle of [
      'WebhookRequests',
      'WebhookLatency',
      '4xx',
      '5xx',
      'SendResponses',
      'Refusals',
      'EstimatedCost',
    ]) {
      expect(body).toContain(needle);
    }
  });

  it('gives the scheduled report retries and a dead-letter queue, for the schedule and the function', () => {
    const [[queueId] = []] = resources('AWS::SQS::Queue');
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      ],
    });
    const [, fn] = resources('AWS::Lambda::Function').find(([id]) => /^CostReportFunction[0-9A-F]{8}$/.test(id)) ?? [];
    expect(fn?.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });
});
