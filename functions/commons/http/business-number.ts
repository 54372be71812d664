import { badRequest } from './errors';

/**
 * The business number a request names (`?phoneNumberId=`, or a field of its body), else the
 * configured default; refused with a 400 that says how to name it. Meta's phone number ids are
 * numeric (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/phone-numbers).
 */
export const businessNumber = (given: string | undefined, fallback: () => string | undefined): string => {
  const phoneNumberId = given ?? fallback();
  if (!phoneNumberId) {
    throw badRequest(
      'PHONE_NUMBER_ID_REQUIRED',
      'Name the business number with ?phoneNumberId=..., or configure WHATSAPP_PHONE_NUMBER_ID.',
    );
  }
  if (!/^\d{1,32}$/.test(phoneNumberId)) {
    throw badRequest('INVALID_PHONE_NUMBER_ID', "phoneNumberId must be Meta's numeric phone number id.");
  }
  return phoneNumberId;
};
