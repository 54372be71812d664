import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ReportSink } from './report-sink';

/**
 * Writes report files to a private S3 bucket. Server-side encryption is left to the bucket's
 * default (the stack sets it), so the grant needs no KMS permission beyond what the bucket has;
 * `Cache-Control: no-store` keeps a presigned or proxied view from caching cost figures.
 */
export class S3ReportSink implements ReportSink {
  readonly bucket: string;
  private readonly client: S3Client;

  constructor(bucket: string, client: S3Client = new S3Client({})) {
    if (bucket.trim() === '') throw new RangeError('S3ReportSink needs a bucket name');
    this.bucket = bucket;
    this.client = client;
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          CacheControl: 'no-store',
        }),
      );
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(`could not write s3://${this.bucket}/${key}: ${reason}`, { cause: error });
    }
  }
}
