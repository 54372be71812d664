import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CostReportSchedule } from './cost-report-schedule.ts';
import { SessionApi } from './http-api.ts';
import { ReportBucket } from './report-bucket.ts';
import { MediaBucket } from './media-bucket.ts';
import { MediaWorker } from './media-worker.ts';
import { Monitoring } from './monitoring.ts';
import { SessionTable } from './session-table.ts';
import { WhatsAppSecret } from './whatsapp-secret.ts';

export interface SessionEngineStackProps extends StackProps {
  /** the business number that sends when a request names none (WHATSAPP_PHONE_NUMBER_ID) */
  defaultPhoneNumberId?: string;
  /** absolute path of the business's own rate card; the shipped one when unset */
  rateCardFile?: string;
  /** the WhatsApp Business Account whose pricing_analytics the daily report compares with */
  wabaId?: string;
}

/**
 * The whole engine in one stack: the table, the secret, the HTTP API with its functions, the daily
 * cost report with its bucket, and monitoring.
 */
export class SessionEngineStack extends Stack {
  constructor(scope: Construct, id: string, props: SessionEngineStackProps = {}) {
    super(scope, id, props);
    const { table } = new SessionTable(this, 'Sessions');
    const { secret } = new WhatsAppSecret(this, 'WhatsApp');
    const environment: Record<string, string> = props.defaultPhoneNumberId
      ? { WHATSAPP_PHONE_NUMBER_ID: props.defaultPhoneNumberId }
      : {};
    const rateCard = props.rateCardFile ? { rateCardFile: props.rateCardFile } : {};
    const api = new SessionApi(this, 'Api', { table, secret, environment, ...rateCard });
    const { bucket } = new ReportBucket(this, 'Reports');
    const report = new CostReportSchedule(this, 'CostReport', {
      table,
      bucket,
      secret,
      environment: { ...environment, ...(props.wabaId ? { WHATSAPP_WABA_ID: props.wabaId } : {}) },
      ...rateCard,
    });
    const media = new MediaBucket(this, 'Media');
    media.wireRoutes(api.functions);
    const mediaWorker = new MediaWorker(this, 'MediaWorker', { table, media, secret, environment });
    new Monitoring(this, 'Monitoring', {
      httpApi: api.httpApi,
      functions: { ...api.functions, 'cost-report': report.function, 'media-worker': mediaWorker.function },
    });
  }
}
