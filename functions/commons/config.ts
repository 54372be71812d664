/** Configuration read from the environment: set by CDK on AWS, by bin/local.ts locally. */
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the stack (or bin/local.ts) must provide it`);
  return value;
};

const positive = (value: string | undefined, fallback: number): number => {
  const number = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(number) && number > 0 ? number : fallback;
};

export const config = {
  get tableName(): string {
    return required('TABLE_NAME');
  },
  /** days message content and dedupe records are kept (MESSAGE_RETENTION_DAYS, default 30, at least 8) */
  get retentionDays(): number {
    return positive(process.env.MESSAGE_RETENTION_DAYS, 30);
  },
  /** Meta's Graph API base (the local stack points it at the sandbox) */
  get whatsAppApiUrl(): string {
    return process.env.WHATSAPP_API_URL || 'https://graph.facebook.com';
  },
  get whatsAppApiVersion(): string {
    return process.env.WHATSAPP_API_VERSION || 'v24.0';
  },
  /** the number's throughput: 80 by default, 1,000 once Meta has upgraded it */
  get messagesPerSecond(): number {
    return positive(process.env.MESSAGES_PER_SECOND, 80);
  },
  /** the pair rate to one user: one message per this many seconds after a burst */
  get pairIntervalSeconds(): number {
    return positive(process.env.PAIR_RATE_INTERVAL_SECONDS, 6);
  },
  get pairBurst(): number {
    return positive(process.env.PAIR_RATE_BURST, 45);
  },
  /** the WhatsApp Business Account whose pricing_analytics the daily report compares with */
  get wabaId(): string | undefined {
    return process.env.WHATSAPP_WABA_ID || undefined;
  },
  /** the private bucket the scheduled cost report writes to */
  get reportBucket(): string {
    return required('REPORT_BUCKET');
  },
  /** the business number used when a request names none */
  get defaultPhoneNumberId(): string | undefined {
    return process.env.WHATSAPP_PHONE_NUMBER_ID || undefined;
  },
};
