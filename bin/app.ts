/** The CDK app named in cdk.json: `npx cdk deploy` deploys the engine into the current account and region. */
import { App } from 'aws-cdk-lib';
import { SessionEngineStack } from '../lib/session-engine-stack.ts';

const app = new App();
const phoneNumberId: unknown = app.node.tryGetContext('phoneNumberId');
new SessionEngineStack(app, 'WhatsAppSessionEngine', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  ...(typeof phoneNumberId === 'string' && phoneNumberId ? { defaultPhoneNumberId: phoneNumberId } : {}),
});
