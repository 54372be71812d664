import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { routes } from '../../functions/routes.ts';
import { SessionEngineStack } from '../../lib/session-engine-stack.ts';

/** Synthesizes the real stack, bundling every function with the local esbuild (no Docker). */
const template = Template.fromStack(
  new SessionEngineStack(new App(), 'Test', { defaultPhoneNumberId: '100000000000001' }),
);

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
    // ...and the cost report and the media worker
    expect(functions).toHaveLength(routes.length + 2);
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

  it('lets only the functions that declare it read the WhatsApp secret, and tells them where it is', () => {
    const secretReaders = resources('AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'),
    );
    // ...and the cost report, for Meta's pricing_analytics, and the media worker, for the access token.
    expect(secretReaders).toHaveLength(routes.filter((route) => route.readsSecrets).length + 2);
    for (const route of routes) {
      const pascal = route.handler.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
      const [, fn] =
        resources('AWS::Lambda::Function').find(([id]) => new RegExp(`^Api${pascal}Function[0-9A-F]{8}$`).test(id)) ??
        [];
      const variables = (fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect('WHATSAPP_SECRET_ARN' in variables).toBe(route.readsSecrets);
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
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
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

  it('lets the report function only query the table and put objects under reports/', () => {
    const [, fn] = resources('AWS::Lambda::Function').find(([id]) => /^CostReportFunction[0-9A-F]{8}$/.test(id)) ?? [];
    const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = statementsOfRole(roleId);
    const actions = statements.flatMap((statement) =>
      Array.isArray(statement.Action) ? statement.Action : [statement.Action],
    );
    expect(new Set(actions)).toEqual(
      new Set(['dynamodb:Query', 's3:PutObject', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']),
    );
    const s3 = statements.find((statement) => JSON.stringify(statement.Action).includes('s3:PutObject')) as unknown as {
      Resource: unknown;
    };
    expect(JSON.stringify(s3.Resource)).toContain('/reports/*');
  });

  it('alarms on function errors and on API 5xx', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', routes.length + 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5xx', Namespace: 'AWS/ApiGateway' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WHATSAPP_PHONE_NUMBER_ID: '100000000000001' }) },
    });
  });
});
