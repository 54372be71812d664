import type { ParkedWebhookContent } from './items/parked-webhook-item';

export type { ParkedKind, ParkedWebhookContent } from './items/parked-webhook-item';

/**
 * Parked webhook items: content we could not model, account updates and Meta's value-level errors,
 * kept raw with a retention TTL for inspection so the POST still answers 200.
 */
export interface ParkedWebhookItems {
  park(content: ParkedWebhookContent): Promise<void>;
}
