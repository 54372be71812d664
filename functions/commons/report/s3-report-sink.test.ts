import { createHash } from 'node:crypto';
import { S3Objects, type S3RequestHandler as RequestHandler } from '#clients/s3';
import { S3ReportSink } from './s3-report-sink';

interface CapturedRequest {
  method: string;
  protocol: string;
  hostname: string;
  port: number | undefined;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A request handler that never touches the network: it records the HTTP request the SDK built
 * (serialised, signed) and answers as S3 does to a successful PutObject.
 */
const capturingHandler = (status = 200) => {
  const requests: CapturedRequest[] = [];
  const handler = {
    async handle(request: CapturedRequest) {
      requests.push({ ...request, headers: { ...request.headers } });
      return {
        response: {
          statusCode: status,
          reason: status === 200 ? 'OK' : 'Forbidden',
          headers:
            status === 200
              ? { etag: '"0123456789abcdef"', 'x-amz-request-id': 'TESTREQUEST', 'content-length': '0' }
              : { 'content-type': 'application/xml', 'x-amz-request-id': 'TESTREQUEST' },
          body:
            status === 200
              ? undefined
              : new TextEncoder().encode(
                  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
                ),
        },
      };
    },
  };
  return { requests, handler: handler as unknown as RequestHandler };
};

const clientWith = (handler: RequestHandler) =>
  new S3Objects({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:1', // never contacted: the handler answers
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-for-tests' },
    requestHandler: handler,
    maxAttempts: 1,
  });

const bodyText = (body: unknown): string => {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new Error(`unexpected request body ${Object.prototype.toString.call(body)}`);
};

describe('S3ReportSink', () => {
  it('PUTs the body to /<bucket>/<key> with the content type, no-store, and no encryption header', async () => {
    const { requests, handler } = capturingHandler();
    const sink = new S3ReportSink('cost-reports-123', clientWith(handler));
    const body = 'day,cost\r\n2025-07-01,0.107\r\nTOTAL — €,0.107\r\n';

    await sink.put('reports/2025/07/01/daily.csv', body, 'text/csv; charset=utf-8');

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('PUT');
    expect(request?.hostname).toBe('127.0.0.1');
    expect(request?.port).toBe(1);
    expect(request?.path).toBe('/cost-reports-123/reports/2025/07/01/daily.csv');
    expect(request?.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(request?.headers['cache-control']).toBe('no-store');
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(body, 'utf8')));
    expect(request?.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/s3\//);
    expect(Object.keys(request?.headers ?? {}).filter((h) => h.startsWith('x-amz-server-side-encryption'))).toEqual([]);
    expect(request?.query).toEqual({ 'x-id': 'PutObject' });
    expect(bodyText(request?.body)).toBe(body);
    // the signature covers exactly this body
    expect(request?.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body, 'utf8').digest('hex'));
  });

  it('encodes a key S3 needs escaped in the path', async () => {
    const { requests, handler } = capturingHandler();
    await new S3ReportSink('b', clientWith(handler)).put('reports/2025/07/01/a b+c.html', '<p>x</p>', 'text/html');
    expect(requests[0]?.path).toBe('/b/reports/2025/07/01/a%20b%2Bc.html');
    expect(requests[0]?.headers['content-type']).toBe('text/html');
  });

  it('throws, naming the bucket and key, when S3 refuses the write', async () => {
    const { handler } = capturingHandler(403);
    const sink = new S3ReportSink('cost-reports-123', clientWith(handler));
    await expect(sink.put('reports/2025/07/01/daily.json', '{}', 'application/json')).rejects.toThrow(
      'could not write s3://cost-reports-123/reports/2025/07/01/daily.json: AccessDenied: Access Denied',
    );
  });

  it('refuses an empty bucket name', () => {
    expect(() => new S3ReportSink(' ')).toThrow('S3ReportSink needs a bucket name');
  });

  it('presigns a GET of the key for the given seconds, signed with the client credentials, without calling S3', async () => {
    const { requests, handler } = capturingHandler();
    const url = new URL(
      await new S3ReportSink('cost-reports-123', clientWith(handler)).readUrl('reports/latest/daily.html', 900),
    );
    expect(requests).toHaveLength(0);
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:1/cost-reports-123/reports/latest/daily.html');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDTEST\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers whether a key is stored with HeadObject: 200 yes, 404 no, anything else thrown', async () => {
    const answering = (statusCode: number) =>
      ({
        async handle(request: CapturedRequest) {
          expect(request.method).toBe('HEAD');
          expect(request.path).toBe('/b/reports/latest/daily.html');
          return { response: { statusCode, headers: { 'x-amz-request-id': 'TESTREQUEST' }, body: undefined } };
        },
      }) as unknown as RequestHandler;
    const sink = (statusCode: number) => new S3ReportSink('b', clientWith(answering(statusCode)));
    await expect(sink(200).exists('reports/latest/daily.html')).resolves.toBe(true);
    await expect(sink(404).exists('reports/latest/daily.html')).resolves.toBe(false);
    await expect(sink(403).exists('reports/latest/daily.html')).rejects.toThrow();
  });
});
