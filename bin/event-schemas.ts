import { toJsonSchema } from '@valibot/to-json-schema';
import { EVENT_NAMES, eventEnvelope, type EventName } from '../functions/commons/events/catalogue.ts';

/** The folder the generated schemas live in, one file per event type, named after its detail-type. */
export const SCHEMA_DIR = 'docs/events';

/** JSON Schema (draft-07) of each event's envelope, generated from the catalogue's valibot declarations. */
export const eventJsonSchemas = (): Record<EventName, Record<string, unknown>> =>
  Object.fromEntries(
    EVENT_NAMES.map((name) => [
      name,
      {
        $id: `https://github.com/whatsapp-session-engine/schemas/events/${name}.json`,
        title: name,
        description: `EventBridge event "${name}" from source whatsapp.session-engine`,
        ...toJsonSchema(eventEnvelope(name), { errorMode: 'throw' }),
      },
    ]),
  ) as unknown as Record<EventName, Record<string, unknown>>;

export const schemaFileText = (schema: Record<string, unknown>): string => `${JSON.stringify(schema, null, 2)}\n`;
