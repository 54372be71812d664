import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EngineEventBus } from '../../lib/event-bus.ts';
import { EventForwarding } from '../../lib/event-forwarding.ts';
import { FUNCTION_BASELINE_ACTIONS, STREAM_READER_ACTIONS } from '#test/stack-template';
import { SessionEngineStack } from '../../lib/session-engine-stack.ts';

/**
 * The event delivery resources, synthesized from the real stack (bundling skipped: stack.test.ts
 * bundles every function already), and the forwarding construct with `eventsUrl` set.
 */
const unbundled = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const synth = (props: { eventsUrl?: string } = {}) =>
  Template.fromStack(
    new SessionEngineStack(unbundled(), 'Events', { defaultPhoneNumberId: '100000000000001', ...props }),
  );
const template = synth();
const forwardingStack = (url: string) => {
  const stack = new Stack(unbundled(), 'Forwarding');
  const { bus } = new EngineEventBus(stack, 'Events');
  new EventForwarding(stack, 'EventForwarding', { bus, url });
  return stack;
};
const forwarding = Template.fromStack(forwardingStack('https://events.example.com/whatsapp'));

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const resources = (t: Template, type: string): [string, Resource][] =>
  Object.entries(t.findResources(type) as Record<string, Resource>);

const publisherId = (): string => {
  const found = resources(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('EventPublisherFunction'));
  if (!found) throw new Error('no publisher function');
  return found[0];
};
const roleOf = (functionId: string): string =>
  (
    (template.findResources('AWS::Lambda::Function')[functionId] as Resource).Properties.Role as {
      'Fn::GetAtt': string[];
    }
  )['Fn::GetAtt'][0] as string;
const statementsOfRole = (t: Template, roleId: string): Statement[] =>
  resources(t, 'AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
const actionsOf = (statements: Statement[]): string[] =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

describe('event delivery on AWS', () => {
  it('enables the table stream with new and old images', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('feeds the publisher from the stream with bisect, batch item failures, a retry limit and an SQS on-failure destination', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'StreamArn'] },
      FunctionName: { Ref: publisherId() },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      ParallelizationFactor: 1,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventPublisherFailedRecords'), 'Arn'] } },
      },
    });
  });

  it('declares the bus whatsapp-session-engine and a 30-day archive of its events', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'whatsapp-session-engine' });
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      EventPattern: { source: ['whatsapp.session-engine'] },
    });
  });

  it('declares the schedule group, the role the scheduler assumes (invoke the publisher, feed its DLQ) and the DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'whatsapp-session-engine-windows' });
    const [roleId] =
      resources(template, 'AWS::IAM::Role').find(([, role]) =>
        JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
      ) ?? [];
    expect(roleId).toBeDefined();
    const statements = statementsOfRole(template, roleId as string);
    expect(actionsOf(statements)).toEqual(
      ['lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].sort(),
    );
    const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction');
    expect(invoke?.Resource).toEqual({ 'Fn::GetAtt': [publisherId(), 'Arn'] });
    const publisher = (template.findResources('AWS::Lambda::Function')[publisherId()] as Resource).Properties;
    expect(publisher.Environment).toMatchObject({
      Variables: {
        SCHEDULE_GROUP: 'whatsapp-session-engine-windows',
        SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [roleId, 'Arn'] },
        SCHEDULER_DLQ_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^WindowTimersDeadLetters/), 'Arn'] },
        EVENT_BUS_NAME: { Ref: expect.stringMatching(/^EventsBus/) },
        WINDOW_CLOSING_NOTICE_MINUTES: '60',
      },
    });
  });

  it('grants the publisher only PutEvents on its bus, the stream reads and its scheduler actions', () => {
    const statements = statementsOfRole(template, roleOf(publisherId()));
    expect(actionsOf(statements)).toEqual(
      [
        'events:PutEvents',
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'iam:PassRole',
        ...STREAM_READER_ACTIONS,
        ...FUNCTION_BASELINE_ACTIONS,
      ].sort(),
    );
    const put = statements.find((s) => s.Action === 'events:PutEvents');
    expect(put?.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EventsBus/), 'Arn'] });
    const streamReads = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('dynamodb:GetRecords'));
    expect(streamReads?.Resource).toEqual({ 'Fn::GetAtt': [expect.any(String), 'StreamArn'] });
    const scheduler = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('scheduler:CreateSchedule'));
    expect(JSON.stringify(scheduler?.Resource)).toContain(':schedule/');
    expect(
      actionsOf(statements).some((action) =>
        /dynamodb:(Get|Put|Update|Delete|Query|BatchGet)Item|dynamodb:Query/.test(action),
      ),
    ).toBe(false);
  });

  it('adds no forwarding without eventsUrl', () => {
    template.resourceCountIs('AWS::Events::ApiDestination', 0);
    template.resourceCountIs('AWS::Events::Connection', 0);
  });

  it('with -c eventsUrl: an API destination POSTing to it, a connection with x-api-key from its own secret, a rule with a DLQ', () => {
    forwarding.hasResourceProperties('AWS::Events::ApiDestination', {
      InvocationEndpoint: 'https://events.example.com/whatsapp',
      HttpMethod: 'POST',
    });
    forwarding.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'x-api-key',
          ApiKeyValue: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
        },
      },
    });
    const connection = resources(forwarding, 'AWS::Events::Connection')[0]?.[1];
    expect(JSON.stringify(connection?.Properties.AuthParameters)).toContain('EventForwardingApiKey');
    forwarding.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['whatsapp.session-engine'] },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventForwardingDeadLetters'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  it('refuses an eventsUrl that is not https', () => {
    expect(() => forwardingStack('http://events.example.com')).toThrow(/https/);
  });

  it('alarms on the dead-letter queues of stream records and window timers', () => {
    const depth = resources(template, 'AWS::CloudWatch::Alarm')
      .filter(([, alarm]) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map(([, alarm]) => JSON.stringify(alarm.Properties.Dimensions));
    expect(depth).toEqual(
      expect.arrayContaining([
        expect.stringContaining('EventPublisherFailedRecords'),
        expect.stringContaining('WindowTimersDeadLetters'),
      ]),
    );
  });
});
