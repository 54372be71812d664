import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * Where media files live. S3 implements it on AWS; locally the same adapter talks to s3rver, which
 * keeps the objects in a folder under LOCAL_DATA_DIR, so the code that stores media is the deployed code.
 */
export interface MediaStorage {
  /** the bucket's name, recorded with each stored object's key */
  readonly bucket: string;
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** the object, or undefined when there is none */
  get(key: string): Promise<{ bytes: Buffer; contentType: string } | undefined>;
  /** a short-lived GET URL that needs no credentials */
  readUrl(key: string, seconds: number): Promise<string>;
}

/** MEDIA_S3_ENDPOINT points the client at s3rver locally; on AWS it is unset and the SDK's defaults apply. */
export const s3Config = (env: NodeJS.ProcessEnv = process.env): S3ClientConfig => {
  const endpoint = env.MEDIA_S3_ENDPOINT;
  if (!endpoint) return {};
  return {
    endpoint,
    forcePathStyle: true,
    region: env.AWS_REGION ?? 'us-east-1',
    // s3rver's fixed development credentials
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
};

export class S3MediaStorage implements MediaStorage {
  constructor(
    readonly bucket: string,
    private readonly client: S3Client = new S3Client(s3Config()),
  ) {
    if (bucket.trim() === '') throw new RangeError('S3MediaStorage needs a bucket name');
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    // Encryption is the bucket's default (SSE-S3), so the worker needs no KMS grant.
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
      return { bytes, contentType: object.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  readUrl(key: string, seconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: seconds });
  }
}
