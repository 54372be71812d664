/**
 * The local publisher on its own: `tsx bin/local/events/publisher-main.ts` reads the stream of
 * TABLE_NAME on DYNAMODB_ENDPOINT and delivers as `npm start` does (EVENTS_URL, EVENTS_API_KEY,
 * EVENTS_CHECKPOINT_FILE). Used to stop and restart the publisher without the rest of the stack.
 */
import { runAlone } from './run-alone.ts';
import { startEventDelivery } from './start-events.ts';

await runAlone('local-publisher', 'EVENTS_CHECKPOINT_FILE', startEventDelivery);
