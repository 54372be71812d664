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
  /** days message content and dedupe records are kept (MESSAGE_RETENTION_DAYS, default 30, at least 8) */
  get retentionDays(): number {
    const days = Number(process.env.MESSAGE_RETENTION_DAYS ?? 30);
    return Number.isFinite(days) && days > 0 ? days : 30;
  },
  /** the business number used when a request names none */
  get defaultPhoneNumberId(): string | undefined {
    return process.env.WHATSAPP_PHONE_NUMBER_ID || undefined;
  },
};
