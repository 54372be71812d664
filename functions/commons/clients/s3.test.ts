import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { AwsRequestHandler } from './aws-requests';
import { S3Error, S3Objects, type S3ObjectsConfig } from './s3';

describe('S3Objects, presigned GET', () => {
  it("signs AWS's published example byte for byte", async () => {
    // The example of https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    const client = new S3Objects({
      region: 'us-east-1',
      endpoint: 'https://s3.amazonaws.com',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      now: () => new Date('2013-05-24T00:00:00Z'),
    });
    expect(await client.presignedGetUrl('examplebucket', 'test.txt', 86400)).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('names the bucket in the host on AWS, carries the session token, and encodes the key per segment', async () => {
    const client = new S3Objects({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', sessionToken: 'to/ken+=' },
      now: () => new Date('2026-12-01T12:00:00Z'),
    });
    const url = new URL(await client.presignedGetUrl('reports-1', "media/a b+c!'.jpg", 300));
    expect(url.host).toBe('reports-1.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/media/a%20b%2Bc%21%27.jpg');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('to/ken+=');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDTEST/20261201/eu-west-1/s3/aws4_request');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
  });
});

describe('S3Objects against an S3-compatible server (s3rver on 127.0.0.1)', () => {
  let server: S3rver;
  let folder: string;
  let config: S3ObjectsConfig;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 's3-objects-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: folder,
      configureBuckets: [{ name: 'media' }],
    });
    const { port } = await server.run();
    config = {
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    };
  });

  afterAll(async () => {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('puts, reads back, heads and links an object whose key needs escaping', async () => {
    const client = new S3Objects(config);
    const key = "reports/2025/07/01/a b+c!(x)'ü.html";
    await client.putObject('media', key, '<p>€ 0.107</p>', { 'content-type': 'text/html; charset=utf-8' });
    const stored = await client.getObject('media', key);
    expect(new TextDecoder().decode(stored?.bytes)).toBe('<p>€ 0.107</p>');
    expect(stored?.contentType).toBe('text/html; charset=utf-8');
    await expect(client.objectExists('media', key)).resolves.toBe(true);
    const linked = await fetch(await client.presignedGetUrl('media', key, 60));
    expect(linked.status).toBe(200);
    expect(await linked.text()).toBe('<p>€ 0.107</p>');
  });

  it('keeps binary bytes as they were', async () => {
    const client = new S3Objects(config);
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    await client.putObject('media', 'media/blob', bytes, { 'content-type': 'image/jpeg' });
    expect([...((await client.getObject('media', 'media/blob'))?.bytes ?? [])]).toEqual([...bytes]);
  });

  it('answers undefined and false for a key that is not stored', async () => {
    const client = new S3Objects(config);
    await expect(client.getObject('media', 'media/none')).resolves.toBeUndefined();
    await expect(client.objectExists('media', 'media/none')).resolves.toBe(false);
  });

  it("throws S3's error code and message for a refusal it does not retry", async () => {
    const refused = await new S3Objects(config).putObject('no-such-bucket', 'k', 'x', {}).catch((error) => error);
    expect(refused).toBeInstanceOf(S3Error);
    expect(refused).toMatchObject({
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
  });

  /** A client of two attempts whose every request is answered (or failed) by `answer`, and its call count. */
  const failingClient = (answer: () => ReturnType<AwsRequestHandler['handle']>) => {
    const counted = { calls: 0 };
    const client = new S3Objects({
      ...config,
      maxAttempts: 2,
      requestHandler: {
        handle: () => {
          counted.calls += 1;
          return answer();
        },
      },
    });
    return { client, counted };
  };

  it('retries a 5xx and gives up after maxAttempts', async () => {
    const { client, counted } = failingClient(async () => ({
      response: {
        statusCode: 503,
        headers: {},
        body: new TextEncoder().encode('<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>'),
      },
    }));
    await expect(client.putObject('media', 'k', 'x', {})).rejects.toMatchObject({
      name: 'SlowDown',
      message: 'Reduce your rate',
      status: 503,
      service: 's3',
      retryable: true,
    });
    expect(counted.calls).toBe(2);
  });

  it('throws an S3 error of status 0 when S3 never answered, after maxAttempts', async () => {
    const unreachable = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const { client, counted } = failingClient(() => Promise.reject(unreachable));
    const error = await client.putObject('media', 'k', 'x', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 0, service: 's3', retryable: true, cause: unreachable });
    expect(counted.calls).toBe(2);
  });
});
