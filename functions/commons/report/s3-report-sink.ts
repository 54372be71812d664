import { S3Objects } from '#clients/s3';
import type { ReportLinks, ReportSink } from './report-sink';

/**
 * Writes report files to a private S3 bucket. Server-side encryption is left to the bucket's
 * default (the stack sets it), so the grant needs no KMS permission beyond what the bucket has;
 * `Cache-Control: no-store` keeps a presigned or proxied view from caching cost figures. Reading is
 * a presigned GET, as GET /media does on AWS: the page never passes through Lambda's 6 MB answer.
 */
export class S3ReportSink implements ReportSink, ReportLinks {
  readonly bucket: string;
  private readonly client: S3Objects;

  constructor(bucket: string, client: S3Objects = new S3Objects()) {
    if (bucket.trim() === '') throw new RangeError('S3ReportSink needs a bucket name');
    this.bucket = bucket;
    this.client = client;
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    try {
      await this.client.putObject(this.bucket, key, body, { 'content-type': contentType, 'cache-control': 'no-store' });
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(`could not write s3://${this.bucket}/${key}: ${reason}`, { cause: error });
    }
  }

  /** HeadObject: a missing key answers 404 only to a caller that may list the bucket (the stack grants it). */
  exists(key: string): Promise<boolean> {
    return this.client.objectExists(this.bucket, key);
  }

  /** Signed here with the function's own credentials: no call to S3 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html). */
  readUrl(key: string, seconds: number): Promise<string> {
    return this.client.presignedGetUrl(this.bucket, key, seconds);
  }
}
