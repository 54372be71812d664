import type { HttpRequest } from '@smithy/core/protocols';
import { Hash, streamCollector } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpResponse } from '@smithy/types';

/**
 * Signed requests to an AWS service with the SDK's own parts: its SigV4 signer, its credential chain
 * (on Lambda, the function role's credentials from the environment) and its HTTP handler, the
 * packages the DynamoDB client already brings into every bundle. A full service client adds every
 * shape of the service (S3: ~140 KB with the presigner; Secrets Manager: ~20 KB with Powertools
 * Parameters) for the one or four calls the engine makes. Signature Version 4:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */

/** The handler interface of the SDK's NodeHttpHandler, so a test can answer without a network. */
export interface AwsRequestHandler {
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
}

export interface AwsRequestsConfig {
  /** default AWS_REGION */
  region?: string;
  /** default: the SDK's chain */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  requestHandler?: AwsRequestHandler;
  /** the signing clock */
  now?: () => Date;
  /** attempts for a request that failed on the network, a 5xx or 429 (default 3, as the SDK's) */
  maxAttempts?: number;
}

const RETRIED = new Set([429, 500, 502, 503, 504]);

/**
 * The service's refusal: `name` is its error code, `status` the HTTP status (0: no answer at all,
 * after every attempt), `service` the signing name (`s3`, `secretsmanager`).
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly service: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = code;
  }

  /** Throttled, failed on the service's side, or never answered: a later try may pass. */
  get retryable(): boolean {
    return this.status === 0 || RETRIED.has(this.status);
  }
}

export interface AwsAnswer {
  response: HttpResponse;
  body: Uint8Array;
}

const readBody = async (body: unknown): Promise<Uint8Array> => {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return streamCollector(body as Parameters<typeof streamCollector>[0]);
};

export const responseHeader = (response: HttpResponse, name: string): string | undefined => {
  const found = Object.keys(response.headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : response.headers[found];
};

/** RFC 3986, as SigV4 asks (encodeURIComponent leaves !'()* alone). */
export const uriEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AwsRequests {
  readonly region: string;
  readonly signer: SignatureV4;
  readonly now: () => Date;
  private readonly service: string;
  private readonly handler: AwsRequestHandler;
  private readonly maxAttempts: number;

  /** `uriEscapePath: false` for S3, which signs the path as sent. */
  constructor(service: string, config: AwsRequestsConfig = {}, uriEscapePath = true) {
    this.service = service;
    this.region = config.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.now = config.now ?? (() => new Date());
    this.maxAttempts = Math.max(1, config.maxAttempts ?? 3);
    this.handler = config.requestHandler ?? new NodeHttpHandler();
    this.signer = new SignatureV4({
      service,
      region: this.region,
      credentials: config.credentials ?? defaultProvider(),
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath,
    });
  }

  /**
   * Signs and sends, retrying what may pass on a later try with jittered backoff; a 2xx answers its
   * response and body, anything else throws AwsServiceError with what `refusal` reads from the body.
   */
  async send(request: HttpRequest, refusal: (body: string, status: number) => { code: string; message: string }) {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.maxAttempts;
      let response: HttpResponse;
      try {
        const signed = (await this.signer.sign(request, { signingDate: this.now() })) as HttpRequest;
        ({ response } = await this.handler.handle(signed));
      } catch (error) {
        if (last) {
          const { name = 'NetworkingError', message = String(error) } = error as Partial<Error>;
          throw new AwsServiceError(name, message, 0, this.service, { cause: error });
        }
        await pause(100 * 2 ** attempt * Math.random());
        continue;
      }
      const body = await readBody(response.body);
      if (response.statusCode >= 200 && response.statusCode < 300) return { response, body } satisfies AwsAnswer;
      if (!last && RETRIED.has(response.statusCode)) {
        await pause(100 * 2 ** attempt * Math.random());
        continue;
      }
      const { code, message } = refusal(new TextDecoder().decode(body), response.statusCode);
      throw new AwsServiceError(code, message, response.statusCode, this.service);
    }
  }
}
