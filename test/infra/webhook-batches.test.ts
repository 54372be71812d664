import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SessionEngineStack } from '../../lib/session-engine-stack.ts';
import { routeOf } from '../../functions/routes.ts';

/** The big-POST path of the real stack: apply-webhook-batch on the table's stream. */
const template = Template.fromStack(new SessionEngineStack(new App(), 'WebhookBatchesTest'));

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (type: string): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>);
type Statement = { Action: string | string[]; Resource: unknown };
const STREAM_ACTIONS = [
  'dynamodb:ListStreams',
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
];

const [applyId, apply] = resources('AWS::Lambda::Function').find(([id]) => id.startsWith('WebhookBatchesApply')) ?? [];

describe('the webhook batch applier in the deployed stack', () => {
  it('runs apply-webhook-batch with a whole vCPU, the webhook’s table actions and nothing more on the table', () => {
    expect(applyId).toBeDefined();
    expect(apply?.Properties).toMatchObject({ MemorySize: 1769, Timeout: 60 });
    const roleId = (apply?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = resources('AWS::IAM::Policy')
      .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
      .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const tableActions = new Set(
      statements
        .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
        // the table's own actions: the stream reads the event source mapping needs are apart
        .filter((action) => action.startsWith('dynamodb:') && !STREAM_ACTIONS.includes(action)),
    );
    expect(tableActions).toEqual(new Set(routeOf('webhook').tableActions));
  });

  it('feeds it inserted batch chunks only, retried from the failed record, parked on SQS after ten retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: applyId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 2,
      ParallelizationFactor: 4,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { Keys: { pk: { S: [{ prefix: 'WEBHOOK_BATCH#' }] }, sk: { S: [{ prefix: 'CHUNK#' }] } } },
            }),
          },
        ],
      },
    });
  });

  it('alarms when a chunk is given up on', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebhookBatchesFailures'), 'QueueName'] },
        },
      ],
    });
  });
});
