import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ReportLinks, ReportSink } from './report-sink';

/**
 * Writes report files to a private S3 bucket. Server-side encryption is left to the bucket's
 * default (the stack sets it), so the grant needs no KMS permission beyond what the bucket has;
 * `Cache-Control: no-store` keeps a presigned or proxied view from caching cost figures. Reading is
 * a presigned GET, as GET /media does on AWS: the page never passes through Lambda's 6 MB answer.
 */
export class S3ReportSink implements ReportSink, ReportLinks {
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

  /** HeadObject: a missing key answers 404 only to a caller that may list the bucket (the stack grants it). */
  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404) return false;
      throw error;
    }
  }

  /** Signed here with the function's own credentials: no call to S3 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html). */
  readUrl(key: string, seconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: seconds });
  }
}
