/**
 * The engine's four secrets, each stored on its own so that a function can be granted only the
 * ones it reads (the route list names them per route). Pure declarations: the CDK stack, the
 * local stack and the loader in secrets.ts all name a secret the same way.
 *
 * Locally a secret's value is the environment variable `env`; on AWS the function gets
 * `${env}_ARN`, the ARN of the Secrets Manager secret that holds the value as a plain string.
 */
export const secretKinds = {
  /** what Meta's verification handshake must present (GET /webhook) */
  verifyToken: { env: 'WHATSAPP_VERIFY_TOKEN', description: "Meta's webhook verify token" },
  /** Meta app secret: the key of X-Hub-Signature-256 (POST /webhook) */
  appSecret: { env: 'WHATSAPP_APP_SECRET', description: 'Meta app secret (webhook signatures)' },
  /** Graph API access token: sends and pricing_analytics */
  accessToken: { env: 'WHATSAPP_ACCESS_TOKEN', description: 'Graph API access token (system user)' },
  /** bearer tokens of our own API, comma-separated, each optionally `token:scope+scope` */
  apiTokens: { env: 'API_TOKEN', description: "The engine's API tokens (token or token:scope+scope, comma-separated)" },
} as const;

export type SecretName = keyof typeof secretKinds;

export const secretNames = Object.keys(secretKinds) as SecretName[];

/** The variable that carries the ARN of the secret on AWS. */
export const secretArnVariable = (name: SecretName): string => `${secretKinds[name].env}_ARN`;

/**
 * The value the deploy stores in the secrets only Meta can issue (app secret, access token) until
 * the operator puts the real one in; read as "not configured".
 */
export const SECRET_PLACEHOLDER = 'unset';
