import { S3Objects, type S3ObjectsConfig } from '#clients/s3';

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
export const s3Config = (env: NodeJS.ProcessEnv = process.env): S3ObjectsConfig => {
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
    private readonly client: S3Objects = new S3Objects(s3Config()),
  ) {
    if (bucket.trim() === '') throw new RangeError('S3MediaStorage needs a bucket name');
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    // Encryption is the bucket's default (SSE-S3), so the worker needs no KMS grant.
    await this.client.putObject(this.bucket, key, bytes, { 'content-type': contentType });
  }

  async get(key: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
    const object = await this.client.getObject(this.bucket, key);
    if (!object) return undefined;
    return { bytes: Buffer.from(object.bytes), contentType: object.contentType ?? 'application/octet-stream' };
  }

  readUrl(key: string, seconds: number): Promise<string> {
    return this.client.presignedGetUrl(this.bucket, key, seconds);
  }
}
