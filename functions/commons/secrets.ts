import { createHash, timingSafeEqual } from 'node:crypto';
import { SecretReader } from '#clients/secrets-manager';
import type { HandlerName, Route } from '#routes';
import { routeAccess } from './route-access.ts';
import { SECRET_PLACEHOLDER, secretArnVariable, secretKinds, type SecretName } from './secret-names.ts';

/**
 * The app's secrets, each in its own store so a function reads (and may read) only those its route
 * names: on AWS one Secrets Manager secret per kind (a plain string) named by `<VARIABLE>_ARN`,
 * fetched on first use and cached for 15 minutes so a rotation reaches warm containers; locally
 * the environment (npm start generates values that are not set).
 */
export interface WhatsAppSecrets {
  /** Meta app secret: the key of X-Hub-Signature-256 */
  appSecret: string;
  /** what Meta's verification handshake must present */
  verifyToken: string;
  /** Graph API access token for sends */
  accessToken: string;
  /** API token entries (`token` or `token:scope+scope`), comma-separated where stored */
  apiTokens: string[];
}

/** Only the named secrets: a handler's dependency says which ones it may use. */
export type Secrets<N extends SecretName> = Pick<WhatsAppSecrets, N>;

const CACHE_SECONDS = 15 * 60;
let reader: SecretReader | undefined;

const readValue = async (name: SecretName): Promise<string> => {
  const arn = process.env[secretArnVariable(name)];
  const value = arn
    ? await (reader ??= new SecretReader({ maxAgeSeconds: CACHE_SECONDS })).read(arn)
    : process.env[secretKinds[name].env];
  // The deploy creates the secrets Meta issues with a placeholder: until it is replaced, closed.
  return typeof value === 'string' && value !== SECRET_PLACEHOLDER ? value.trim() : '';
};

const splitTokens = (value: string): string[] =>
  value
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);

/** Loads exactly the named secrets (and no other is fetched, nor could its ARN be read). */
export const loadSecrets = async <N extends SecretName>(names: readonly N[]): Promise<Secrets<N>> => {
  const loaded: Partial<WhatsAppSecrets> = {};
  await Promise.all(
    names.map(async (name) => {
      const value = await readValue(name);
      if (name === 'apiTokens') loaded.apiTokens = splitTokens(value);
      else loaded[name as Exclude<SecretName, 'apiTokens'>] = value;
    }),
  );
  return loaded as Secrets<N>;
};

type RouteSecrets<H extends HandlerName> = Extract<Route, { handler: H }>['secrets'][number];

/** The loader of the secrets a route declares in the route list, for its handler. */
export const routeSecrets =
  <H extends HandlerName>(handler: H) =>
  (): Promise<Secrets<RouteSecrets<H>>> =>
    loadSecrets(routeAccess(handler).secrets as readonly RouteSecrets<H>[]);

/**
 * Compares a presented secret with the expected one in constant time (both hashed first, so even
 * the length leaks nothing). An empty expected value never matches: unconfigured means closed.
 */
export const secretMatches = (presented: string | undefined, expected: string): boolean => {
  if (!expected || presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
};
