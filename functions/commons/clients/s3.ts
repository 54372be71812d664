import { HttpRequest } from '@smithy/core/protocols';
import {
  AwsRequests,
  AwsServiceError,
  responseHeader,
  uriEncode,
  type AwsRequestHandler,
  type AwsRequestsConfig,
} from './aws-requests.ts';

/**
 * The four S3 object calls the engine makes (PUT, GET, HEAD, a presigned GET URL) as signed requests
 * (./aws-requests.ts). `@aws-sdk/client-s3` and its presigner added ~140 KB (every S3 shape,
 * checksums, XML parsing) to each bundle that stores a file, for four requests whose wire format is
 * small and stable:
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

/** A test's stand-in for the network (the SDK's NodeHttpHandler otherwise). */
export type S3RequestHandler = AwsRequestHandler;

/** Field names as the SDK's S3ClientConfig, for the ones this client honours. */
export interface S3ObjectsConfig extends AwsRequestsConfig {
  /** an S3-compatible server (s3rver locally); on AWS unset: `https://<bucket>.s3.<region>.amazonaws.com` */
  endpoint?: string;
  /** `<endpoint>/<bucket>/<key>` instead of the bucket in the host name */
  forcePathStyle?: boolean;
}

/** S3's refusal: `name` is its error Code (AccessDenied, NoSuchKey, ...), `status` the HTTP status. */
export { AwsServiceError as S3Error };

export interface S3Object {
  bytes: Uint8Array;
  contentType: string | undefined;
}

const encodeKey = (key: string): string => key.split('/').map(uriEncode).join('/');

const xmlField = (xml: string, field: string): string | undefined =>
  new RegExp(`<${field}>([^<]*)</${field}>`).exec(xml)?.[1];

const refusal = (xml: string, status: number) => ({
  code: xmlField(xml, 'Code') ?? (status === 404 ? 'NotFound' : `Http${status}`),
  message: xmlField(xml, 'Message') ?? `S3 answered ${status}`,
});

export class S3Objects {
  private readonly aws: AwsRequests;
  private readonly endpoint: URL | undefined;
  private readonly pathStyle: boolean;

  constructor(config: S3ObjectsConfig = {}) {
    this.aws = new AwsRequests('s3', config, false);
    this.endpoint = config.endpoint ? new URL(config.endpoint) : undefined;
    this.pathStyle = config.forcePathStyle ?? false;
  }

  private request(method: string, bucket: string, key: string, extra: Partial<HttpRequest> = {}): HttpRequest {
    const pathStyle = this.pathStyle || bucket.includes('.');
    const base =
      this.endpoint ?? new URL(`https://${pathStyle ? '' : `${bucket}.`}s3.${this.aws.region}.amazonaws.com`);
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

  private send(request: HttpRequest) {
    return this.aws.send(request, refusal);
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
      return { bytes: body, contentType: responseHeader(response, 'content-type') };
    } catch (error) {
      if (error instanceof AwsServiceError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** HeadObject: false for a 404 (which S3 answers only to a caller that may list the bucket). */
  async objectExists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.send(this.request('HEAD', bucket, key));
      return true;
    } catch (error) {
      if (error instanceof AwsServiceError && error.status === 404) return false;
      throw error;
    }
  }

  /** A GET URL valid for `seconds`, signed here with this client's credentials: no call to S3. */
  async presignedGetUrl(bucket: string, key: string, seconds: number): Promise<string> {
    // The payload hash S3 expects in a presigned URL; a header read by the signer, neither signed nor sent.
    const payload = new Set(['x-amz-content-sha256']);
    const request = this.request('GET', bucket, key, { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const signed = await this.aws.signer.presign(request, {
      expiresIn: seconds,
      signingDate: this.aws.now(),
      unsignableHeaders: payload,
      unhoistableHeaders: payload,
    });
    const query = Object.entries(signed.query ?? {})
      .flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((one) => `${uriEncode(name)}=${uriEncode(one ?? '')}`),
      )
      .join('&');
    return `${signed.protocol}//${signed.headers.host ?? signed.hostname}${signed.path}?${query}`;
  }
}
