import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as config from '#commons/config';
import { logger } from '#commons/logger';
import { routeSecrets, type Secrets } from '#commons/secrets';
import { apiHandler } from '#http/api-handler';
import { requireApiToken } from '#http/api-token';
import { ApiError, badRequest } from '#http/errors';
import { json } from '#http/responses';
import { checkUpload, extensionOf } from '#domain/media';
import { createGraphMedia, withRetries, type GraphMedia } from '../commons/media/graph-media';
import { businessNumber } from '#http/business-number';

export interface UploadMediaDeps {
  graph: GraphMedia;
  secrets: () => Promise<Secrets<'apiTokens'>>;
  defaultPhoneNumberId: () => string | undefined;
  retry: { attempts: number; baseDelayMs: number };
}

interface Upload {
  bytes: Uint8Array;
  mimeType: string;
  filename?: string;
  phoneNumberId?: string;
}

/** multipart/form-data with a `file` part (its content type, or a `type` field), or the raw file with its Content-Type. */
const readUpload = async (event: APIGatewayProxyEventV2): Promise<Upload> => {
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const contentType = event.headers?.['content-type'] ?? '';
  const query = event.queryStringParameters ?? {};
  if (!/^multipart\/form-data/i.test(contentType)) {
    if (!contentType)
      throw badRequest(
        'CONTENT_TYPE_REQUIRED',
        'Send the file with its Content-Type (e.g. image/jpeg), or as multipart/form-data.',
      );
    return {
      bytes: body,
      mimeType: contentType,
      ...(query.filename ? { filename: query.filename } : {}),
      ...(query.phoneNumberId ? { phoneNumberId: query.phoneNumberId } : {}),
    };
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw badRequest('INVALID_MULTIPART', 'The multipart body could not be read; send one part named "file".');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string')
    throw badRequest('FILE_REQUIRED', 'The multipart body needs a part named "file" holding the file.');
  const type = form.get('type');
  const phoneNumberId = form.get('phoneNumberId');
  return {
    bytes: new Uint8Array(await file.arrayBuffer()),
    mimeType: typeof type === 'string' && type ? type : file.type,
    ...(file.name ? { filename: file.name } : {}),
    ...(typeof phoneNumberId === 'string' && phoneNumberId
      ? { phoneNumberId }
      : query.phoneNumberId
        ? { phoneNumberId: query.phoneNumberId }
        : {}),
  };
};

/**
 * POST /media: checks the file against WhatsApp's types and size limits, uploads it to Meta's
 * `/{phone-number-id}/media` and answers Meta's media id, which a send then uses as `{ "id": ... }`.
 */
export const createHandler = (deps: UploadMediaDeps) =>
  apiHandler(
    async (event: APIGatewayProxyEventV2) => {
      const upload = await readUpload(event);
      const phoneNumberId = businessNumber(upload.phoneNumberId, deps.defaultPhoneNumberId);
      const check = checkUpload(upload.mimeType, upload.bytes);
      if (!check.ok) throw badRequest(check.code, check.message);
      const filename = upload.filename ?? `upload.${extensionOf(check.mimeType)}`;
      const uploaded = await withRetries(
        () => deps.graph.upload(phoneNumberId, upload.bytes, check.mimeType, filename),
        deps.retry,
      );
      if (!uploaded.ok) {
        logger.warn('Meta refused an upload', { reason: uploaded.reason });
        throw uploaded.retryable
          ? new ApiError(503, 'META_UNAVAILABLE', `Meta did not take the upload; retry shortly. ${uploaded.reason}`)
          : new ApiError(502, 'META_ERROR', `Meta refused the upload: ${uploaded.reason}`);
      }
      return json(200, { id: uploaded.value, type: check.type, mimeType: check.mimeType, size: upload.bytes.length });
    },
    { middlewares: [requireApiToken(deps.secrets, 'upload-media')] },
  );

const secrets = routeSecrets('upload-media');

export const handler = createHandler({
  graph: createGraphMedia({
    baseUrl: config.whatsAppApiUrl(),
    version: config.whatsAppApiVersion(),
    accessToken: async () => (await secrets()).accessToken,
  }),
  secrets,
  defaultPhoneNumberId: () => config.defaultPhoneNumberId(),
  retry: { attempts: 3, baseDelayMs: 500 },
});
