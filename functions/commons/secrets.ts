import { createHash, timingSafeEqual } from 'node:crypto';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * The app's secrets: on AWS one Secrets Manager secret (JSON) named by WHATSAPP_SECRET_ARN, fetched
 * once per container and cached for 15 minutes so a rotation reaches warm containers; locally the
 * environment (npm start generates values that are not set).
 */
export interface WhatsAppSecrets {
  /** Meta app secret: the key of X-Hub-Signature-256 */
  appSecret: string;
  /** what Meta's verification handshake must present */
  verifyToken: string;
  /** Graph API access token for sends */
  accessToken: string;
  /** bearer tokens our own API accepts, comma-separated in the environment */
  apiTokens: string[];
}

const CACHE_SECONDS = 15 * 60;

const fromEnvironment = (): WhatsAppSecrets => ({
  appSecret: process.env.WHATSAPP_APP_SECRET ?? '',
  verifyToken: process.env.WHATSAPP_VERIFY_TOKEN ?? '',
  accessToken: process.env.WHATSAPP_ACCESS_TOKEN ?? '',
  apiTokens: (process.env.API_TOKEN ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean),
});

interface StoredSecret {
  appSecret?: string;
  verifyToken?: string;
  accessToken?: string;
  apiTokens?: string | string[];
}

export const loadSecrets = async (): Promise<WhatsAppSecrets> => {
  const arn = process.env.WHATSAPP_SECRET_ARN;
  if (!arn) return fromEnvironment();
  const stored = (await getSecret<StoredSecret>(arn, { transform: 'json', maxAge: CACHE_SECONDS })) ?? {};
  const apiTokens = Array.isArray(stored.apiTokens) ? stored.apiTokens : (stored.apiTokens ?? '').split(',');
  return {
    appSecret: stored.appSecret ?? '',
    verifyToken: stored.verifyToken ?? '',
    accessToken: stored.accessToken ?? '',
    apiTokens: apiTokens.map((token) => token.trim()).filter(Boolean),
  };
};

/**
 * Compares a presented secret with the expected one in constant time (both hashed first, so even
 * the length leaks nothing). An empty expected value never matches: unconfigured means closed.
 */
export const secretMatches = (presented: string | undefined, expected: string): boolean => {
  if (!expected || presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
};
