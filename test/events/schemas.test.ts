import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemas } from '../../bin/event-schemas.ts';
import { EVENT_NAMES } from '../../functions/commons/events/catalogue.ts';
import { schemaErrors } from '#test/event-schemas';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('published event schemas', () => {
  it('docs/events holds exactly the schemas generated from the catalogue (run bin/generate-event-schemas.ts)', () => {
    const generated = eventJsonSchemas();
    const files = readdirSync(join(root, 'docs/events')).filter((name) => name.endsWith('.json'));
    expect(files.sort()).toEqual(EVENT_NAMES.map((name) => `${name}.json`).sort());
    for (const name of EVENT_NAMES) {
      expect(JSON.parse(readFileSync(join(root, 'docs/events', `${name}.json`), 'utf8'))).toEqual(generated[name]);
    }
  });

  it('refuses an envelope with a missing field, an unknown field or the wrong source', () => {
    const good = {
      version: '0',
      id: 'x',
      'detail-type': 'contact.linked',
      source: 'whatsapp.session-engine',
      account: 'local',
      time: '2026-12-01T09:00:00Z',
      region: 'local',
      resources: [],
      detail: {
        eventId: '0ba23817-98a7-5fea-ab2f-7b1da952ecd3',
        occurredAt: '2026-12-01T09:00:00.000Z',
        recordedAt: '2026-12-01T09:00:00.000Z',
        phoneNumberId: '100000000000001',
        contact: { waId: '15551234567', userId: 'US.1234' },
      },
    };
    expect(schemaErrors(good)).toEqual([]);
    expect(schemaErrors({ ...good, source: 'elsewhere' })).not.toEqual([]);
    expect(schemaErrors({ ...good, detail: { ...good.detail, contact: { waId: '1' } } })).not.toEqual([]);
    expect(schemaErrors({ ...good, detail: { ...good.detail, text: 'secret' } })).not.toEqual([]);
    expect(schemaErrors({ ...good, detail: { ...good.detail, eventId: 'not-a-uuid' } })).not.toEqual([]);
  });
});
