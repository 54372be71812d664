import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { documentClient } from '#clients/dynamodb';
import * as config from '#commons/config';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import type { HttpResponse } from '#http/responses';
import { requireApiToken } from '#http/api-token';
import { ApiError } from '#http/errors';
import { isLive, systemClock, type Clock } from '#domain/time';
import { mediaConfig } from '../commons/media/media-config';
import { DynamoDbMediaStateStore, type MediaStateStore } from '../commons/media/media-state-store';
import { S3MediaStorage, type MediaStorage } from '../commons/media/media-storage';

export interface GetMediaDeps {
  state: MediaStateStore;
  storage: () => MediaStorage;
  clock: Clock;
  delivery: () => 'redirect' | 'inline';
  secrets: () => Promise<Secrets<'apiTokens'>>;
}

const notFound = () =>
  new ApiError(404, 'MEDIA_NOT_FOUND', 'No media with this id on this message; take the url from the message history.');

/**
 * GET /media/{wamid}/{mediaId}: a stored file. On AWS a 302 to a presigned S3 URL (valid 5 minutes),
 * because a Lambda answer is capped at 6 MB; locally the bytes themselves.
 */
export const createHandler = (deps: GetMediaDeps) =>
  apiHandler(
    async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
      const wamid = event.pathParameters?.wamid ?? '';
      const mediaId = event.pathParameters?.mediaId ?? '';
      const stored = wamid && mediaId ? await deps.state.read(wamid) : undefined;
      if (!stored || stored.media.id !== mediaId) throw notFound();
      if (!isLive(stored.expiresAt, deps.clock())) {
        throw new ApiError(410, 'MEDIA_EXPIRED', 'The retention period of this message has passed; its media is gone.');
      }
      const { media } = stored;
      if (media.state === 'pending' || !media.key) {
        throw new ApiError(
          409,
          media.state === 'failed' ? 'MEDIA_FAILED' : 'MEDIA_PENDING',
          media.state === 'failed'
            ? `The media could not be stored: ${media.reason ?? 'no reason recorded'}.`
            : 'The media is still being copied from WhatsApp; retry in a few seconds.',
          media.state === 'failed' ? {} : { 'retry-after': '2' },
        );
      }
      if (deps.delivery() === 'redirect') {
        const location = await deps.storage().readUrl(media.key, mediaConfig.presignSeconds);
        return { statusCode: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
      }
      const object = await deps.storage().get(media.key);
      if (!object) throw notFound();
      return {
        statusCode: 200,
        headers: {
          'content-type': object.contentType,
          'content-length': String(object.bytes.length),
          'cache-control': 'no-store',
        },
        body: object.bytes.toString('base64'),
        isBase64Encoded: true,
      };
    },
    { middlewares: [requireApiToken(deps.secrets, 'get-media')] },
  );

let storage: MediaStorage | undefined;

export const handler = createHandler({
  state: new DynamoDbMediaStateStore(documentClient, config.tableName()),
  storage: () => (storage ??= new S3MediaStorage(mediaConfig.bucket)),
  clock: systemClock,
  delivery: () => mediaConfig.delivery,
  secrets: routeSecrets('get-media'),
});
