import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CostReportSchedule } from './cost-report-schedule.ts';
import { deploySettings, type DeploySettings } from './deploy-settings.ts';
import { EngineEventBus } from './event-bus.ts';
import { EventForwarding } from './event-forwarding.ts';
import { EventPublisher } from './event-publisher.ts';
import { WindowScheduler } from './window-scheduler.ts';
import { SessionApi } from './http-api.ts';
import { ReportBucket } from './report-bucket.ts';
import { MediaBucket } from './media-bucket.ts';
import { MediaWorker } from './media-worker.ts';
import { Monitoring } from './monitoring.ts';
import { WebhookBatches } from './webhook-batches.ts';
import { SessionTable } from './session-table.ts';
import { TemplateSyncSchedule } from './template-sync-schedule.ts';
import { WhatsAppSecrets } from './whatsapp-secret.ts';

export interface SessionEngineStackProps extends StackProps {
  /** the business number that sends when a request names none (WHATSAPP_PHONE_NUMBER_ID) */
  defaultPhoneNumberId?: string;
  /** absolute path of the business's own rate card; the shipped one when unset */
  rateCardFile?: string;
  /** the WhatsApp Business Account whose pricing_analytics the daily report compares with */
  wabaId?: string;
  /** an HTTPS endpoint that receives every event (`-c eventsUrl=https://…`) */
  eventsUrl?: string;
  /** throttling, reserved concurrency, alarm e-mail, log retention: the defaults when unset */
  settings?: DeploySettings;
}

/**
 * The whole engine in one stack: the table, the secrets, the HTTP API with its functions, the daily
 * cost report with its bucket and dead-letter queue, and monitoring.
 */
export class SessionEngineStack extends Stack {
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: SessionEngineStackProps = {}) {
    super(scope, id, props);
    const settings = props.settings ?? deploySettings(() => undefined);
    const { table } = new SessionTable(this, 'Sessions');
    const { secrets } = new WhatsAppSecrets(this, 'WhatsApp');
    const environment: Record<string, string> = props.defaultPhoneNumberId
      ? { WHATSAPP_PHONE_NUMBER_ID: props.defaultPhoneNumberId }
      : {};
    const rateCard = props.rateCardFile ? { rateCardFile: props.rateCardFile } : {};
    const waba: Record<string, string> = props.wabaId ? { WHATSAPP_WABA_ID: props.wabaId } : {};
    // how the report functions name each business number (-c displayNumbers=…)
    const displayNumbers: Record<string, string> = settings.displayNumbers
      ? { WHATSAPP_DISPLAY_NUMBERS: settings.displayNumbers }
      : {};
    // POST /templates/sync reads the WABA's template list
    const api = new SessionApi(this, 'Api', {
      table,
      secrets,
      environment: { ...environment, ...waba },
      settings,
      ...rateCard,
    });
    const reports = new ReportBucket(this, 'Reports');
    const reportRoute = api.functions['get-cost-report'];
    if (reportRoute) {
      // GET /reports/cost?link=true presigns the pages the schedule stores
      reports.wireReader(reportRoute);
      for (const [name, value] of Object.entries(displayNumbers)) reportRoute.addEnvironment(name, value);
    }
    const report = new CostReportSchedule(this, 'CostReport', {
      table,
      reports,
      secrets,
      environment: { ...environment, ...waba, ...displayNumbers },
      ...(settings.reservedConcurrency['cost-report']
        ? { reservedConcurrency: settings.reservedConcurrency['cost-report'] }
        : {}),
      ...rateCard,
    });
    // Meta's template list every 15 minutes, only where there is a WABA to read it from.
    const templateSync = props.wabaId
      ? new TemplateSyncSchedule(this, 'TemplateSync', {
          table,
          secrets,
          environment: { ...environment, ...waba },
          ...(settings.reservedConcurrency['scheduled-template-sync']
            ? { reservedConcurrency: settings.reservedConcurrency['scheduled-template-sync'] }
            : {}),
        })
      : undefined;
    const media = new MediaBucket(this, 'Media');
    media.wireRoutes(api.functions);
    const mediaWorker = new MediaWorker(this, 'MediaWorker', {
      table,
      media,
      secrets,
      environment,
      ...(settings.reservedConcurrency['media-worker']
        ? { reservedConcurrency: settings.reservedConcurrency['media-worker'] }
        : {}),
    });
    const webhookBatches = new WebhookBatches(this, 'WebhookBatches', {
      table,
      environment,
      ...(settings.reservedConcurrency['apply-webhook-batch']
        ? { reservedConcurrency: settings.reservedConcurrency['apply-webhook-batch'] }
        : {}),
    });
    const { bus } = new EngineEventBus(this, 'Events');
    const scheduler = new WindowScheduler(this, 'WindowTimers');
    const publisher = new EventPublisher(this, 'EventPublisher', {
      table,
      bus,
      scheduler,
      ...(settings.reservedConcurrency['publish-events']
        ? { reservedConcurrency: settings.reservedConcurrency['publish-events'] }
        : {}),
    });
    const forwarding = props.eventsUrl
      ? new EventForwarding(this, 'EventForwarding', { bus, url: props.eventsUrl })
      : undefined;
    this.monitoring = new Monitoring(this, 'Monitoring', {
      httpApi: api.httpApi,
      functions: {
        ...api.functions,
        'cost-report': report.function,
        'publish-events': publisher.function,
        'media-worker': mediaWorker.function,
        'apply-webhook-batch': webhookBatches.function,
        ...(templateSync ? { 'scheduled-template-sync': templateSync.function } : {}),
      },
      table,
      apiMetrics: api.metrics,
      reportFunction: report.function,
      deadLetterQueues: [
        { name: 'cost-report', queue: report.deadLetterQueue },
        { name: 'event-records', queue: publisher.deadLetterQueue },
        { name: 'media-records', queue: mediaWorker.failures },
        { name: 'webhook-batches', queue: webhookBatches.failures },
        { name: 'window-timers', queue: scheduler.deadLetterQueue },
        ...(templateSync ? [{ name: 'template-sync', queue: templateSync.deadLetterQueue }] : []),
        ...(forwarding ? [{ name: 'event-forwarding', queue: forwarding.deadLetterQueue }] : []),
      ],
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });
  }
}
