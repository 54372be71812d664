import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { HttpRequest } from '@smithy/core/protocols';
import type { AwsRequestHandler } from './aws-requests';
import { SecretReader } from './secrets-manager';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:whatsapp/app-secret-AbCdEf';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-for-tests', sessionToken: 'session' };

/** Records each request and answers with the given status and JSON body (no network). */
const answering = (status: number, json: unknown) => {
  const requests: HttpRequest[] = [];
  const handler: AwsRequestHandler = {
    handle: async (request) => {
      requests.push(request);
      return {
        response: {
          statusCode: status,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: new TextEncoder().encode(JSON.stringify(json)),
        },
      };
    },
  };
  return { requests, handler };
};

const sdkClient = (handler: AwsRequestHandler) =>
  new SecretsManagerClient({
    region: 'eu-west-1',
    credentials,
    requestHandler: handler as never,
    maxAttempts: 1,
  });

const bodyText = (request: HttpRequest | undefined) => String(request?.body);

describe('SecretReader', () => {
  it("sends the request the SDK's own GetSecretValue sends, and reads its answer the same way", async () => {
    const answer = { ARN, Name: 'whatsapp/app-secret', SecretString: 'the-app-secret', VersionId: 'v1' };
    const sdk = answering(200, answer);
    const ours = answering(200, answer);
    const viaSdk = await sdkClient(sdk.handler).send(new GetSecretValueCommand({ SecretId: ARN }));
    const viaOurs = await new SecretReader({
      region: 'eu-west-1',
      credentials,
      requestHandler: ours.handler,
      maxAgeSeconds: 900,
    }).read(ARN);
    expect(viaOurs).toBe(viaSdk.SecretString);
    const [expected, actual] = [sdk.requests[0], ours.requests[0]];
    for (const field of ['method', 'protocol', 'hostname', 'path'] as const)
      expect(actual?.[field]).toBe(expected?.[field]);
    for (const name of ['content-type', 'x-amz-target', 'x-amz-security-token'])
      expect(actual?.headers[name]).toBe(expected?.headers[name]);
    expect(JSON.parse(bodyText(actual))).toEqual(JSON.parse(bodyText(expected)));
    expect(actual?.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it("throws Secrets Manager's error code and message, as the SDK names them", async () => {
    const refusal = {
      __type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    };
    const sdkError = await sdkClient(answering(400, refusal).handler)
      .send(new GetSecretValueCommand({ SecretId: ARN }))
      .catch((error: Error) => error);
    const ourError = await new SecretReader({
      region: 'eu-west-1',
      credentials,
      requestHandler: answering(400, refusal).handler,
      maxAgeSeconds: 900,
    })
      .read(ARN)
      .catch((error: Error) => error);
    expect(ourError).toBeInstanceOf(Error);
    expect({ name: (ourError as Error).name, message: (ourError as Error).message }).toEqual({
      name: (sdkError as Error).name,
      message: (sdkError as Error).message,
    });
  });

  it('reuses a value for its max age, asks again after it, and does not keep a failure', async () => {
    let now = Date.parse('2026-12-01T12:00:00Z');
    let status = 500;
    let calls = 0;
    const reader = new SecretReader({
      region: 'eu-west-1',
      credentials,
      maxAttempts: 1,
      maxAgeSeconds: 900,
      now: () => new Date(now),
      requestHandler: {
        handle: async () => {
          calls += 1;
          const body = status === 200 ? { SecretString: `value-${calls}` } : { __type: 'InternalServiceError' };
          return {
            response: { statusCode: status, headers: {}, body: new TextEncoder().encode(JSON.stringify(body)) },
          };
        },
      },
    });
    await expect(reader.read(ARN)).rejects.toThrow();
    status = 200;
    await expect(reader.read(ARN)).resolves.toBe('value-2');
    now += 899_999;
    await expect(reader.read(ARN)).resolves.toBe('value-2');
    now += 1;
    await expect(reader.read(ARN)).resolves.toBe('value-3');
    expect(calls).toBe(3);
  });
});
