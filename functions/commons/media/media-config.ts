/** Media settings from the environment: set by lib/media-bucket.ts on AWS, by bin/local.ts locally. */
export const mediaConfig = {
  /** the private media bucket (s3rver's bucket locally) */
  get bucket(): string {
    const bucket = process.env.MEDIA_BUCKET;
    if (!bucket) throw new Error('MEDIA_BUCKET is not set: the stack (or bin/local.ts) must provide it');
    return bucket;
  },
  /** `redirect` on AWS (302 to a presigned URL: Lambda answers at most 6 MB); `inline` locally (the bytes) */
  get delivery(): 'redirect' | 'inline' {
    return process.env.MEDIA_DELIVERY === 'redirect' ? 'redirect' : 'inline';
  },
  /** how long a presigned media URL works */
  presignSeconds: 300,
};
