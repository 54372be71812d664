import { HttpRequest } from '@smithy/core/protocols';
import { Hash, streamCollector } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpResponse } from '@smithy/types';

/**
 * The four S3 object calls the engine makes (PUT, GET, HEAD, a presigned GET URL), signed with the
 * SDK's own SigV4 signer, the SDK's credential chain and its HTTP handler: the same packages the
 * DynamoDB client already brings into every bundle. `@aws-sdk/client-s3` and its presigner added
 * ~140 KB (every S3 shape, checksums, XML parsing) to each bundle that stores a file, for four
 * requests whose wire format is small and stable:
 * - signing: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 *   (S3 signs the path as sent, without the double encoding other services use, and the payload hash
 *   travels in `x-amz-content-sha256`);
 * - presigned URLs: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 *   (the payload is `UNSIGNED-PAYLOAD`, only `host` is signed);
 * - the objects' paths: https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 *   (virtual-hosted style on AWS, path style for an S3-compatible endpoint such as s3rver);
 * - errors: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (an XML body with
 *   Code and Message; none for HEAD).
 */

/** The handler interface of the SDK's NodeHttpHandler, so a test can answer without a network. */
export interface S3RequestHandler {
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
}

/** Field names as the SDK's S3ClientConfig, for the ones this client honours. */
export interface S3ObjectsConfig {
  /** default AWS_REGION */
  region?: string;
  /** an S3-compatible server (s3rver locally); on AWS unset: `https://<bucket>.s3.<region>.amazonaws.com` */
  endpoint?: string;
  /** `<endpoint>/<bucket>/<key>` instead of the bucket in the host name */
  forcePathStyle?: boolean;
  /** default: the SDK's chain (on Lambda, the function role's credentials from its environment) */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  requestHandler?: S3RequestHandler;
  /** the signing clock (requests and presigned URLs are signed at this instant) */
  now?: () => Date;
  /** attempts for a request that failed on the network, a 5xx or 429 (default 3, as the SDK's) */
  maxAttempts?: number;
}

/** S3's refusal: `name` is its error Code (AccessDenied, NoSuchKey, ...), `status` the HTTP status. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
}

export interface S3Object {
  bytes: Uint8Array;
  contentType: string | undefined;
}

// RFC 3986 as SigV4 asks (encodeURIComponent leaves !'()* alone); a key is encoded per segment.
const encode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const encodeKey = (key: string): string => key.split('/').map(encode).join('/');

const readBody = async (body: unknown): Promise<Uint8Array> => {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return streamCollector(body as Parameters<typeof streamCollector>[0]);
};

const header = (response: HttpResponse, name: string): string | undefined => {
  const found = Object.keys(response.headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : response.headers[found];
};

const xmlField = (xml: string, field: string): string | undefined =>
  new RegExp(`<${field}>([^<]*)</${field}>`).exec(xml)?.[1];

const RETRIED = new Set([429, 500, 502, 503, 504]);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class S3Objects {
  private readonly signer: SignatureV4;
  private readonly handler: S3RequestHandler;
  private readonly endpoint: URL | undefined;
  private readonly region: string;
  private readonly pathStyle: boolean;
  private readonly maxAttempts: number;
  private readonly now: () => Date;

  constructor(config: S3ObjectsConfig = {}) {
    this.region = config.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.endpoint = config.endpoint ? new URL(config.endpoint) : undefined;
    this.pathStyle = config.forcePathStyle ?? false;
    this.maxAttempts = Math.max(1, config.maxAttempts ?? 3);
    this.now = config.now ?? (() => new Date());
    this.handler = config.requestHandler ?? new NodeHttpHandler();
    const credentials = config.credentials ?? defaultProvider();
    this.signer = new SignatureV4({
      service: 's3',
      region: this.region,
      credentials,
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    });
  }

  private request(method: string, bucket: string, key: string, extra: Partial<HttpRequest> = {}): HttpRequest {
    const pathStyle = this.pathStyle || bucket.includes('.');
    const base = this.endpoint ?? new URL(`https://${pathStyle ? '' : `${bucket}.`}s3.${this.region}.amazonaws.com`);
    const prefix = base.pathname.replace(/\/$/, '');
    const hostname = this.endpoint && !pathStyle ? `${bucket}.${base.hostname}` : base.hostname;
    const port = base.port === '' ? undefined : Number(base.port);
    return new HttpRequest({
      method,
      protocol: base.protocol,
      hostname,
      port,
      path: `${prefix}${pathStyle ? `/${bucket}` : ''}/${encodeKey(key)}`,
      query: {},
      ...extra,
      headers: { host: port === undefined ? hostname : `${hostname}:${port}`, ...extra.headers },
    });
  }

  /** Signs and sends; a 2xx answers its response and body, anything else throws S3Error. */
  private async send(request: HttpRequest): Promise<{ response: HttpResponse; body: Uint8Array }> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.maxAttempts;
      let response: HttpResponse;
      try {
        ({ response } = await this.handler.handle(
          (await this.signer.sign(request, { signingDate: this.now() })) as HttpRequest,
        ));
      } catch (error) {
        if (last) throw error;
        await pause(100 * 2 ** attempt * Math.random());
        continue;
      }
      const body = await readBody(response.body);
      if (response.statusCode >= 200 && response.statusCode < 300) return { response, body };
      if (!last && RETRIED.has(response.statusCode)) {
        await pause(100 * 2 ** attempt * Math.random());
        continue;
      }
      const xml = new TextDecoder().decode(body);
      const code = xmlField(xml, 'Code') ?? (response.statusCode === 404 ? 'NotFound' : `Http${response.statusCode}`);
      throw new S3Error(code, xmlField(xml, 'Message') ?? `S3 answered ${response.statusCode}`, response.statusCode);
    }
  }

  async putObject(bucket: string, key: string, body: string | Uint8Array, headers: Record<string, string>) {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    await this.send(
      this.request('PUT', bucket, key, {
        // x-id names the operation as the SDK's requests do; S3 ignores it.
        query: { 'x-id': 'PutObject' },
        headers: { ...headers, 'content-length': String(bytes.byteLength) },
        body: typeof body === 'string' ? body : bytes,
      }),
    );
  }

  /** The object, or undefined when S3 answers 404. */
  async getObject(bucket: string, key: string): Promise<S3Object | undefined> {
    try {
      const { response, body } = await this.send(this.request('GET', bucket, key, { query: { 'x-id': 'GetObject' } }));
      return { bytes: body, contentType: header(response, 'content-type') };
    } catch (error) {
      if (error instanceof S3Error && error.status === 404) return undefined;
      throw error;
    }
  }

  /** HeadObject: false for a 404 (which S3 answers only to a caller that may list the bucket). */
  async objectExists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.send(this.request('HEAD', bucket, key));
      return true;
    } catch (error) {
      if (error instanceof S3Error && error.status === 404) return false;
      throw error;
    }
  }

  /** A GET URL valid for `seconds`, signed here with this client's credentials: no call to S3. */
  async presignedGetUrl(bucket: string, key: string, seconds: number): Promise<string> {
    // The payload hash S3 expects in a presigned URL; a header read by the signer, neither signed nor sent.
    const payload = new Set(['x-amz-content-sha256']);
    const request = this.request('GET', bucket, key, { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const signed = await this.signer.presign(request, {
      expiresIn: seconds,
      signingDate: this.now(),
      unsignableHeaders: payload,
      unhoistableHeaders: payload,
    });
    const query = Object.entries(signed.query ?? {})
      .flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((one) => `${encode(name)}=${encode(one ?? '')}`),
      )
      .join('&');
    return `${signed.protocol}//${signed.headers.host ?? signed.hostname}${signed.path}?${query}`;
  }
}
