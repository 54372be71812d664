import table from './calling-codes.json' with { type: 'json' };
import type { UserIds } from './identity';

/** ISO 3166 alpha-2 for "we cannot tell"; the rate card prices it under "Other". */
export const UNKNOWN_COUNTRY = 'ZZ';

/*
 * Why a table: libphonenumber-js is the source of truth for calling codes, but it adds ~120 KB to every
 * Lambda bundle that prices a message, and pricing needs only "calling code → country". So
 * `bin/generate-calling-codes.ts` distils its metadata into `calling-codes.json` (a few KB) at build time
 * and only the table ships; `calling-codes.test.ts` fails when the table is stale after an upgrade
 * and checks this module against libphonenumber-js on its example number for every country.
 *
 * What the table cannot tell: countries of a shared calling code that libphonenumber-js tells apart only
 * by full number patterns (e.g. CA inside +1, JE and GG inside +44) come out as the code's main country.
 */

interface Plan {
  main: string;
  /** The code's other countries that have leading digits, in metadata order, each with its anchored regex. */
  byLeadingDigits: ReadonlyArray<{ country: string; leadingDigits: RegExp }>;
}

const leadingDigits: Readonly<Record<string, string | undefined>> = table.leadingDigits;

/** Calling code → plan, compiled once. E.164 calling codes are prefix-free, so at most one prefix matches. */
const PLANS = new Map<string, Plan>(
  Object.entries(table.callingCodes).flatMap(([code, list]): Array<[string, Plan]> => {
    const [main, ...others] = list.split(' ');
    if (!main) return [];
    const byLeadingDigits = others.flatMap((country) => {
      const source = leadingDigits[country];
      return source ? [{ country, leadingDigits: new RegExp(`^(?:${source})`) }] : [];
    });
    return [[code, { main, byLeadingDigits }]];
  }),
);

const LONGEST_CALLING_CODE = 3;
/** libphonenumber-js's shortest national significant number; anything shorter is not a phone number. */
const MIN_NATIONAL_NUMBER_LENGTH = 2;
const DIGITS = /^\d+$/;

const countryOfPhone = (waId: string): string | undefined => {
  if (!DIGITS.test(waId)) return undefined;
  for (let length = 1; length <= LONGEST_CALLING_CODE; length++) {
    const plan = PLANS.get(waId.slice(0, length));
    if (!plan) continue;
    const national = waId.slice(length);
    if (national.length < MIN_NATIONAL_NUMBER_LENGTH) return undefined;
    return plan.byLeadingDigits.find(({ leadingDigits }) => leadingDigits.test(national))?.country ?? plan.main;
  }
  return undefined;
};

/**
 * The user's country, which decides the market a message is priced in: from the phone number's
 * calling code and leading digits (table above), else from the country prefix of a business-scoped
 * user id (`US.1349...`). A number that no leading digits single out gets its calling code's main country.
 */
export const countryOf = (ids: UserIds): string => {
  const country = ids.waId ? countryOfPhone(ids.waId) : undefined;
  if (country) return country;
  const prefix = ids.userId ? /^([A-Z]{2})\./.exec(ids.userId)?.[1] : undefined;
  return prefix ?? UNKNOWN_COUNTRY;
};
