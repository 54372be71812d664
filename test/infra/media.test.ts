import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SessionEngineStack } from '../../lib/session-engine-stack.ts';
import { FUNCTION_BASELINE_ACTIONS, PRIVATE_ENCRYPTED_BUCKET, STREAM_READER_ACTIONS } from '#test/stack-template';
import { tableSchema } from '../../functions/commons/store/table-schema.ts';

/** Media bucket, media worker and history index of the real stack (functions bundled by the local esbuild). */
const template = Template.fromStack(new SessionEngineStack(new App(), 'MediaTest'));

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (type: string): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const statementsOf = (functionIdPattern: RegExp): Statement[] => {
  const [, fn] = resources('AWS::Lambda::Function').find(([id]) => functionIdPattern.test(id)) ?? [];
  const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'][0] ?? '';
  expect(roleId).not.toBe('');
  return resources('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
};
const actionsOf = (statements: Statement[]) =>
  new Set(statements.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action])));

const [mediaBucketId] = resources('AWS::S3::Bucket').find(([id]) => id.startsWith('MediaBucket')) ?? ([''] as [string]);

describe('media in the deployed stack', () => {
  it('keeps media in a private, TLS-only, encrypted bucket whose objects expire with the retention', () => {
    expect(mediaBucketId).not.toBe('');
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        ...PRIVATE_ENCRYPTED_BUCKET,
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ Prefix: 'media/', Status: 'Enabled', ExpirationInDays: 30 })],
        },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: mediaBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets the media worker only put objects under media/, update the table, read the secret and the stream', () => {
    const statements = statementsOf(/^MediaWorkerFunction[0-9A-F]{8}$/);
    expect(actionsOf(statements)).toEqual(
      new Set([
        's3:PutObject',
        'dynamodb:UpdateItem',
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
        ...STREAM_READER_ACTIONS,
        ...FUNCTION_BASELINE_ACTIONS,
      ]),
    );
    const put = statements.find((statement) => statement.Action === 's3:PutObject') as Statement;
    expect(JSON.stringify(put.Resource)).toContain(mediaBucketId);
    expect(JSON.stringify(put.Resource)).toContain('/media/*');
  });

  it('feeds the worker from the table stream: only inserted inbound media, bisect, partial failures, retries, SQS on failure', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 3,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { direction: { S: ['inbound'] }, media: { M: { state: { S: ['pending'] } } } } },
            }),
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('lets only the history route query the history index, and no function every index', () => {
    const history = statementsOf(/^ApiGetContactMessagesFunction[0-9A-F]{8}$/).find((statement) =>
      JSON.stringify(statement.Action).includes('dynamodb:Query'),
    ) as Statement;
    expect(JSON.stringify(history.Resource)).toContain(`/index/${tableSchema.historyIndex.name}`);
    const session = statementsOf(/^ApiGetSessionFunction[0-9A-F]{8}$/).find((statement) =>
      JSON.stringify(statement.Action).includes('dynamodb:Query'),
    ) as Statement;
    expect(JSON.stringify(session.Resource)).not.toContain('/index/');
    expect(JSON.stringify(template.toJSON())).not.toContain('/index/*');
  });

  it('lets GET /media only read objects under media/ and redirect to a presigned URL', () => {
    const statements = statementsOf(/^ApiGetMediaFunction[0-9A-F]{8}$/);
    const s3 = statements.filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
    expect(actionsOf(s3)).toEqual(new Set(['s3:GetObject']));
    expect(JSON.stringify(s3[0]?.Resource)).toContain('/media/*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ MEDIA_DELIVERY: 'redirect', MEDIA_BUCKET: { Ref: mediaBucketId } }),
      },
    });
  });

  it('declares the history index and the stream from the one schema', () => {
    const index = tableSchema.historyIndex;
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [
        {
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projected] },
        },
      ],
    });
  });
});
