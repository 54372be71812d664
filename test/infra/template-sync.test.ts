import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SessionTable } from '../../lib/session-table.ts';
import { TemplateSyncSchedule } from '../../lib/template-sync-schedule.ts';
import { WhatsAppSecrets } from '../../lib/whatsapp-secret.ts';

/** The scheduled template sync alone (one function bundled by the local esbuild). */
const stack = new Stack(new App(), 'TemplateSyncTest');
const { table } = new SessionTable(stack, 'Sessions');
const { secrets } = new WhatsAppSecrets(stack, 'WhatsApp');
new TemplateSyncSchedule(stack, 'TemplateSync', {
  table,
  secrets,
  environment: { WHATSAPP_WABA_ID: '102290129340398' },
});
const template = Template.fromStack(stack);

describe('the scheduled template sync', () => {
  it("reads Meta's template list every 15 minutes, failed runs to its dead-letter queue", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          WHATSAPP_WABA_ID: '102290129340398',
          WHATSAPP_ACCESS_TOKEN_ARN: Match.anyValue(),
        }),
      },
      DeadLetterConfig: Match.anyValue(),
    });
  });

  it('may read and update template items, and read the access token only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } };
    }[];
    const actions = new Set(
      policies.flatMap((policy) =>
        policy.Properties.PolicyDocument.Statement.flatMap((statement) =>
          Array.isArray(statement.Action) ? statement.Action : [statement.Action],
        ),
      ),
    );
    expect([...actions].filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(actions.has('secretsmanager:GetSecretValue')).toBe(true);
  });
});
