import { Duration } from 'aws-cdk-lib';
import { ApiDestination, Authorization, Connection, HttpMethod, Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { ApiDestination as ApiDestinationTarget } from 'aws-cdk-lib/aws-events-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../functions/commons/events/catalogue.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export interface EventForwardingProps {
  bus: IEventBus;
  /** the business's HTTPS endpoint (`-c eventsUrl=https://…`) */
  url: string;
}

/**
 * Every event POSTed to one HTTPS endpoint through an EventBridge API destination, with the API key
 * (generated in its own secret; set your endpoint's value there) sent as `x-api-key`, EventBridge's
 * retries for up to 24 hours, and a dead-letter queue for what still fails.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
 */
export class EventForwarding extends Construct {
  readonly apiKey: Secret;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EventForwardingProps) {
    super(scope, id);
    if (!/^https:\/\/[^\s/]+/.test(props.url)) {
      throw new Error(`eventsUrl must be an https:// URL, got "${props.url}"`);
    }
    this.apiKey = new Secret(this, 'ApiKey', {
      description: 'x-api-key that the events endpoint expects from the WhatsApp session engine',
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
    });
    const connection = new Connection(this, 'Connection', {
      description: 'The business events endpoint',
      authorization: Authorization.apiKey('x-api-key', this.apiKey.secretValue),
    });
    const destination = new ApiDestination(this, 'Destination', {
      connection,
      endpoint: props.url,
      httpMethod: HttpMethod.POST,
      rateLimitPerSecond: 300,
    });
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', 'the HTTPS forwarding rule');
    new Rule(this, 'Forward', {
      eventBus: props.bus,
      description: 'Every session engine event to the business HTTPS endpoint',
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [
        new ApiDestinationTarget(destination, {
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
