import { HttpRequest } from '@smithy/core/protocols';
import { AwsRequests, type AwsRequestsConfig } from './aws-requests.ts';

/**
 * Secrets Manager's GetSecretValue as one signed request (./aws-requests.ts) instead of its client and
 * Powertools Parameters (~20 KB in every bundle that reads a secret). The call is AWS's JSON 1.1
 * protocol: a POST to the regional endpoint naming the operation in `X-Amz-Target`, answered with the
 * secret as `SecretString`, or an error as `__type` and `message`.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html
 */
export interface SecretReaderConfig extends AwsRequestsConfig {
  /** how long a value is reused, so a rotation reaches warm containers */
  maxAgeSeconds: number;
}

const refusal = (json: string, status: number) => {
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    // not JSON (a proxy's page): the status says what there is to say
  }
  // `__type` may carry a namespace (`com.amazonaws...#ResourceNotFoundException`)
  const code = typeof parsed.__type === 'string' ? (parsed.__type.split('#').pop() as string) : `Http${status}`;
  const message = parsed.message ?? parsed.Message;
  return { code, message: typeof message === 'string' ? message : `Secrets Manager answered ${status}` };
};

export class SecretReader {
  private readonly aws: AwsRequests;
  private readonly maxAgeMs: number;
  /** per secret id: the value's promise and when it was asked for (a failure is not kept) */
  private readonly cache = new Map<string, { value: Promise<string | undefined>; at: number }>();

  constructor(config: SecretReaderConfig) {
    this.aws = new AwsRequests('secretsmanager', config);
    this.maxAgeMs = config.maxAgeSeconds * 1000;
  }

  /** The secret's string (undefined for a binary secret), fetched once per max age. */
  read(secretId: string): Promise<string | undefined> {
    const now = this.aws.now().getTime();
    const cached = this.cache.get(secretId);
    if (cached && now - cached.at < this.maxAgeMs) return cached.value;
    const value = this.fetch(secretId);
    this.cache.set(secretId, { value, at: now });
    value.catch(() => {
      if (this.cache.get(secretId)?.value === value) this.cache.delete(secretId);
    });
    return value;
  }

  private async fetch(secretId: string): Promise<string | undefined> {
    const hostname = `secretsmanager.${this.aws.region}.amazonaws.com`;
    const request = new HttpRequest({
      method: 'POST',
      protocol: 'https:',
      hostname,
      path: '/',
      headers: {
        host: hostname,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body: JSON.stringify({ SecretId: secretId }),
    });
    const { body } = await this.aws.send(request, refusal);
    const answer = JSON.parse(new TextDecoder().decode(body)) as { SecretString?: unknown };
    return typeof answer.SecretString === 'string' ? answer.SecretString : undefined;
  }
}
