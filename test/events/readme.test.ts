import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EVENT_NAMES } from '../../functions/commons/events/catalogue.ts';
import { schemaErrors } from '#test/event-schemas';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The README's examples of the catalogue: one per event type, each valid against its published schema. */
describe('README event examples', () => {
  const section = readme.slice(readme.indexOf('<!-- event examples'), readme.indexOf('### Subscribing'));
  const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map(
    (match) => JSON.parse(match[1] as string) as { 'detail-type': string; detail: unknown },
  );

  it('shows one example of each event type', () => {
    expect(examples.map((example) => example['detail-type']).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it.each(EVENT_NAMES)('%s example matches its schema', (name) => {
    const example = examples.find((e) => e['detail-type'] === name);
    const envelope = {
      version: '0',
      id: 'example',
      'detail-type': name,
      source: 'whatsapp.session-engine',
      account: '123456789012',
      time: '2026-12-01T09:42:34Z',
      region: 'eu-west-1',
      resources: [],
      detail: example?.detail,
    };
    expect(schemaErrors(envelope)).toEqual([]);
  });
});
