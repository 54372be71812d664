import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { envelopeOf } from '../../functions/commons/events/bus.ts';
import { EVENT_NAMES, type DomainEvent, type EventName } from '../../functions/commons/events/catalogue.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The published schemas (docs/events/*.json), compiled once. */
const validators = (() => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  return new Map<string, ValidateFunction>(
    EVENT_NAMES.map((name) => [
      name,
      ajv.compile(JSON.parse(readFileSync(join(root, 'docs/events', `${name}.json`), 'utf8')) as object),
    ]),
  );
})();

/** The errors of an envelope against its detail-type's published schema; empty when it is valid. */
export const schemaErrors = (envelope: Record<string, unknown>): string[] => {
  const validate = validators.get(String(envelope['detail-type']));
  if (!validate) return [`no schema for detail-type ${String(envelope['detail-type'])}`];
  return validate(envelope) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};

/** Fails the test with the schema's complaints when an envelope does not match. */
export const expectValidEnvelopes = (envelopes: object[]): void => {
  const problems = (envelopes as Record<string, unknown>[]).flatMap((envelope) =>
    schemaErrors(envelope).map((error) => `${String(envelope['detail-type'])}: ${error}`),
  );
  expect(problems).toEqual([]);
};

export const expectValidEvents = (events: DomainEvent[]): void =>
  expectValidEnvelopes(events.map((e) => envelopeOf(e)));

export const schemaNames = (): EventName[] => [...EVENT_NAMES];
