import { Duration } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../functions/commons/events/catalogue.ts';

export interface EngineEventBusProps {
  /** the bus's name; `whatsapp-session-engine` by default */
  busName?: string;
}

/**
 * The custom EventBridge bus every domain event goes to, with an archive of the engine's events for
 * 30 days so that any period can be replayed to a new or repaired consumer.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html
 */
export class EngineEventBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: EngineEventBusProps = {}) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName ?? 'whatsapp-session-engine' });
    this.bus.archive('Archive', {
      description: 'Every event of the WhatsApp session engine, for replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(30),
    });
  }
}
