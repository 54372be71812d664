import examples from 'libphonenumber-js/examples.mobile.json';
import metadata from 'libphonenumber-js/metadata.min.json';
import { getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { CountryCode } from 'libphonenumber-js';
import { buildCallingCodeTable, libphonenumberVersion } from '../../../bin/generate-calling-codes';
import committed from './calling-codes.json' with { type: 'json' };
import { countryOf } from './country';

/** libphonenumber-js, a dev dependency here, as the oracle: what `countryOf` used to compute at runtime. */
const oracle = (waId: string): string | undefined => {
  const phone = parsePhoneNumberFromString(`+${waId}`);
  return phone?.country ?? phone?.getPossibleCountries()[0];
};

/**
 * The example numbers on which the table and libphonenumber-js disagree, and what the table says instead:
 * countries that share a calling code with no leading digits of their own, which libphonenumber-js tells
 * apart only by matching full fixed-line/mobile patterns. The table reports the calling code's main country.
 * (AX, BL, CC, CX, EH, IM, MF, SJ and VA also lack distinguishing data for their examples, but there
 * libphonenumber-js itself answers the main country, so the two agree.)
 */
const EXCEPTIONS: Record<string, { oracle: string; countryOf: string; reason: string }> = {
  CA: { oracle: 'CA', countryOf: 'US', reason: '+1: Canadian area codes exist only in full number patterns' },
  GG: { oracle: 'GG', countryOf: 'GB', reason: '+44: Guernsey has no leading digits, only number patterns' },
  JE: { oracle: 'JE', countryOf: 'GB', reason: '+44: Jersey has no leading digits, only number patterns' },
  YT: { oracle: 'YT', countryOf: 'RE', reason: '+262: Mayotte has no leading digits, only number patterns' },
};

describe('calling code table', () => {
  it('is what bin/generate-calling-codes.ts makes of the installed libphonenumber-js', () => {
    const generated = buildCallingCodeTable(metadata, libphonenumberVersion());
    try {
      expect(committed).toEqual(generated);
    } catch (error) {
      throw new Error(
        'functions/commons/domain/calling-codes.json is stale for the installed libphonenumber-js: ' +
          'run `npx tsx bin/generate-calling-codes.ts` and commit the result.\n\n' +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
  });

  it("gives libphonenumber-js's country for every country's example mobile number, bar the listed exceptions", () => {
    const countries = Object.keys(examples) as CountryCode[];
    expect(countries.length).toBeGreaterThan(200);
    const disagreements: Record<string, { oracle: string | undefined; countryOf: string }> = {};
    for (const country of countries) {
      const waId = `${getCountryCallingCode(country)}${examples[country]}`;
      const expected = oracle(waId);
      const actual = countryOf({ waId });
      if (actual !== expected) disagreements[country] = { oracle: expected, countryOf: actual };
    }
    const expectedDisagreements = Object.fromEntries(
      Object.entries(EXCEPTIONS).map(([country, { oracle, countryOf }]) => [country, { oracle, countryOf }]),
    );
    expect(disagreements).toEqual(expectedDisagreements);
  });

  it('leaves non-geographic codes, too-short numbers and non-digits to the user id prefix', () => {
    expect(countryOf({ waId: '80012345678' })).toBe('ZZ');
    expect(countryOf({ waId: '80012345678', userId: 'MX.1349' })).toBe('MX');
    expect(countryOf({ waId: '1' })).toBe('ZZ');
    expect(countryOf({ waId: '441' })).toBe('ZZ');
    expect(countryOf({ waId: '+16505551234' })).toBe('ZZ');
  });
});
