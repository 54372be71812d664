/** `npx tsx bin/generate-event-schemas.ts`: writes docs/events/<detail-type>.json from the event catalogue. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventJsonSchemas, SCHEMA_DIR, schemaFileText } from './event-schemas.ts';

mkdirSync(SCHEMA_DIR, { recursive: true });
for (const [name, schema] of Object.entries(eventJsonSchemas())) {
  writeFileSync(join(SCHEMA_DIR, `${name}.json`), schemaFileText(schema));
  process.stdout.write(`${SCHEMA_DIR}/${name}.json\n`);
}
