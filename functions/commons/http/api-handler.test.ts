import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaContext } from '../../../bin/local/lambda-context.ts';
import { AwsServiceError } from '../clients/aws-requests';
import { apiHandler } from './api-handler';
import { ApiError } from './errors';

const event = { routeKey: 'GET /test', headers: {}, requestContext: {} } as unknown as APIGatewayProxyEventV2;

/** What the route answers when its handler throws `error`. */
const answerTo = async (error: unknown, options: Parameters<typeof apiHandler>[1] = {}) => {
  const handler = apiHandler(async () => {
    throw error;
  }, options);
  const response = await handler(event, lambdaContext('test'));
  return { status: response.statusCode, error: (JSON.parse(String(response.body)) as { error: unknown }).error };
};

describe('apiHandler errors', () => {
  it('answers an ApiError with its own status, code and message', async () => {
    expect(await answerTo(new ApiError(422, 'OUTSIDE_WINDOW', 'Send a template.'))).toEqual({
      status: 422,
      error: { code: 'OUTSIDE_WINDOW', message: 'Send a template.' },
    });
  });

  it('answers a failing DynamoDB call 503, or the status the route asks for', async () => {
    const failing = Object.assign(new Error('down'), { name: 'InternalServerError', $metadata: {} });
    expect(await answerTo(failing)).toMatchObject({ status: 503, error: { code: 'STORAGE_UNAVAILABLE' } });
    expect(await answerTo(failing, { storageFailureStatus: 500 })).toMatchObject({ status: 500 });
  });

  it.each([
    ['throttled', 503, 'S3 (where media and reports are kept)'],
    ['never answered', 0, 'S3 (where media and reports are kept)'],
  ])('answers S3 %s 503 SERVICE_UNAVAILABLE, naming S3', async (_, status, name) => {
    expect(await answerTo(new AwsServiceError('SlowDown', 'Reduce your rate', status, 's3'))).toEqual({
      status: 503,
      error: { code: 'SERVICE_UNAVAILABLE', message: `${name} did not answer; retry the request shortly.` },
    });
  });

  it('names Secrets Manager when it is the one that did not answer', async () => {
    const error = new AwsServiceError('InternalServiceError', 'try again', 500, 'secretsmanager');
    expect((await answerTo(error)).error).toMatchObject({
      message: expect.stringMatching(/^Secrets Manager .* did not answer/),
    });
  });

  it('answers a refusal no retry can pass (S3 NoSuchBucket) 500 INTERNAL_ERROR, as any other error', async () => {
    const refused = new AwsServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, 's3');
    expect(await answerTo(refused)).toMatchObject({ status: 500, error: { code: 'INTERNAL_ERROR' } });
    expect(await answerTo(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      error: { code: 'INTERNAL_ERROR' },
    });
  });
});
