/** The CDK app named in cdk.json: `npx cdk deploy` deploys the engine into the current account and region. */
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { rateCardProblem } from './local/check-config.ts';
import { deploySettings } from '../lib/deploy-settings.ts';
import { SessionEngineStack } from '../lib/session-engine-stack.ts';

const app = new App();
const phoneNumberId: unknown = app.node.tryGetContext('phoneNumberId');
const rateCard: unknown = app.node.tryGetContext('rateCard');
const wabaId: unknown = app.node.tryGetContext('wabaId');
const eventsUrl: unknown = app.node.tryGetContext('eventsUrl');
// A business's own rate card is checked here by npm start's own check, so a broken file stops the
// synth (and the deploy) with one line naming the file, the line and the field, and no stack trace.
const rateCardFile = typeof rateCard === 'string' && rateCard ? resolve(rateCard) : undefined;
const rateCardCheck =
  rateCardFile &&
  rateCardProblem(rateCardFile, {
    name: 'rateCard',
    fix: 'fix the file or leave out -c rateCard for the shipped card',
  });
if (rateCardCheck) {
  process.stderr.write(`${rateCardCheck}\n`);
  process.exit(1);
}
new SessionEngineStack(app, 'WhatsAppSessionEngine', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  ...(typeof phoneNumberId === 'string' && phoneNumberId ? { defaultPhoneNumberId: phoneNumberId } : {}),
  ...(rateCardFile ? { rateCardFile } : {}),
  ...(typeof wabaId === 'string' && wabaId ? { wabaId } : {}),
  ...(typeof eventsUrl === 'string' && eventsUrl ? { eventsUrl } : {}),
  settings: deploySettings((key) => app.node.tryGetContext(key)),
});
// cdk-nag's AWS Solutions and Serverless packs check every synth; each accepted finding is
// acknowledged next to its resource with the reason (test/infra/nag.test.ts keeps it at zero).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
