import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SessionApi } from './http-api.ts';
import { Monitoring } from './monitoring.ts';
import { SessionTable } from './session-table.ts';
import { WhatsAppSecret } from './whatsapp-secret.ts';

export interface SessionEngineStackProps extends StackProps {
  /** the business number that sends when a request names none (WHATSAPP_PHONE_NUMBER_ID) */
  defaultPhoneNumberId?: string;
}

/** The whole engine in one stack: the table, the secret, the HTTP API with its functions, and monitoring. */
export class SessionEngineStack extends Stack {
  constructor(scope: Construct, id: string, props: SessionEngineStackProps = {}) {
    super(scope, id, props);
    const { table } = new SessionTable(this, 'Sessions');
    const { secret } = new WhatsAppSecret(this, 'WhatsApp');
    const api = new SessionApi(this, 'Api', {
      table,
      secret,
      environment: props.defaultPhoneNumberId ? { WHATSAPP_PHONE_NUMBER_ID: props.defaultPhoneNumberId } : {},
    });
    new Monitoring(this, 'Monitoring', { httpApi: api.httpApi, functions: api.functions });
  }
}
