/**
 * Generates `functions/commons/domain/calling-codes.json`, the calling code table `countryOf` ships
 * instead of libphonenumber-js (~120 KB in the webhook bundle). libphonenumber-js stays the source of
 * truth, at build time only: rerun this after upgrading it (`calling-codes.test.ts` fails until you do).
 *
 *   npx tsx bin/generate-calling-codes.ts
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import metadata from 'libphonenumber-js/metadata.min.json';
import type { MetadataJson } from 'libphonenumber-js';

export const TABLE_PATH = fileURLToPath(new URL('../functions/commons/domain/calling-codes.json', import.meta.url));

/** Where `leading_digits` sits in a country's entry of the minified (v4) metadata; 0 or absent when there is none. */
const LEADING_DIGITS = 10;

export interface CallingCodeTable {
  /** Provenance: the libphonenumber-js version and metadata file the table was generated from. */
  source: string;
  generator: string;
  /** Calling code → its countries, space-separated, main country first, in libphonenumber-js's order. */
  callingCodes: Record<string, string>;
  /**
   * Country → the regex source its national numbers start with, for the non-main countries of a shared
   * calling code that have one (e.g. `AG`: `268`, the area code inside +1).
   */
  leadingDigits: Record<string, string>;
}

/** The installed libphonenumber-js version, which the table records as its source. */
export const libphonenumberVersion = (): string =>
  (createRequire(import.meta.url)('libphonenumber-js/package.json') as { version: string }).version;

/** Pure: the table for a metadata object (`libphonenumber-js/metadata.min.json`) of the given version. */
export const buildCallingCodeTable = (meta: MetadataJson, version: string): CallingCodeTable => {
  const callingCodes: Record<string, string> = {};
  const leadingDigits: Record<string, string> = {};
  const codes = Object.keys(meta.country_calling_codes).sort((a, b) => Number(a) - Number(b));
  for (const code of codes) {
    const countries = meta.country_calling_codes[code] ?? [];
    if (countries.length === 0) continue;
    callingCodes[code] = countries.join(' ');
    for (const country of countries.slice(1)) {
      const plan: unknown = meta.countries[country]?.[LEADING_DIGITS];
      if (typeof plan === 'string' && plan !== '') leadingDigits[country] = plan;
    }
  }
  return {
    source: `libphonenumber-js ${version}, metadata.min.json (metadata format v${meta.version})`,
    generator: 'npx tsx bin/generate-calling-codes.ts',
    callingCodes,
    leadingDigits,
  };
};

/** The file's text: 2-space JSON with one calling code per line (already in Prettier's form). */
export const serializeCallingCodeTable = (table: CallingCodeTable): string => `${JSON.stringify(table, null, 2)}\n`;

const isEntryModule = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];

if (isEntryModule) {
  const table = buildCallingCodeTable(metadata, libphonenumberVersion());
  const text = serializeCallingCodeTable(table);
  writeFileSync(TABLE_PATH, text);
  process.stdout.write(
    `wrote ${TABLE_PATH}: ${Object.keys(table.callingCodes).length} calling codes, ` +
      `${Object.keys(table.leadingDigits).length} leading-digit patterns, ${Buffer.byteLength(text)} bytes\n`,
  );
}
