/** Configuration read from the environment: set by CDK on AWS, by bin/local.ts locally. */
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the stack (or bin/local.ts) must provide it`);
  return value;
};

export const config = {
  get tableName(): string {
    return required('TABLE_NAME');
  },
  /** the business number used when a request names none */
  get defaultPhoneNumberId(): string | undefined {
    return process.env.WHATSAPP_PHONE_NUMBER_ID || undefined;
  },
};
