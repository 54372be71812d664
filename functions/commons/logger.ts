import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs. Never pass full phone numbers, user ids, message text or secrets: see redact.ts. */
export const logger = new Logger({ serviceName: 'whatsapp-session-engine' });
