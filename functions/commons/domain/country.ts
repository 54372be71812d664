import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { UserIds } from './identity';

/** ISO 3166 alpha-2 for "we cannot tell"; the rate card prices it under "Other". */
export const UNKNOWN_COUNTRY = 'ZZ';

/**
 * The user's country, which decides the market a message is priced in: from the phone number's
 * calling code and prefix (libphonenumber-js), else from the country prefix of a business-scoped
 * user id (`US.1349...`). A number that fits no plan exactly falls back to its calling code's main country.
 */
export const countryOf = (ids: UserIds): string => {
  if (ids.waId) {
    const phone = parsePhoneNumberFromString(`+${ids.waId}`);
    const country = phone?.country ?? phone?.getPossibleCountries()[0];
    if (country) return country;
  }
  const prefix = ids.userId ? /^([A-Z]{2})\./.exec(ids.userId)?.[1] : undefined;
  return prefix ?? UNKNOWN_COUNTRY;
};
