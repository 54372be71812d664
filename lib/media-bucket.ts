import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { routes, type RouteDefinition } from '../functions/routes.ts';

export interface MediaBucketProps {
  /** days media is kept: the same as MESSAGE_RETENTION_DAYS (default 30), so a file never outlives its message */
  retentionDays?: number;
}

/** Object keys the engine writes: media/<phoneNumberId>/<wamid>/<mediaId>.<ext> */
export const MEDIA_PREFIX = 'media/';

/**
 * The private bucket of the media customers send: no public access, TLS only, encrypted at rest
 * (SSE-S3, so readers and the worker need no KMS grant), objects expire with the message retention.
 */
export class MediaBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: MediaBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'media-retention',
          prefix: MEDIA_PREFIX,
          expiration: Duration.days(Math.max(props.retentionDays ?? 30, 8)),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }

  /** Only s3:GetObject on media/*: what presigning a GET (or reading the bytes) needs. */
  grantReadMedia(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${MEDIA_PREFIX}*`)] }),
    );
  }

  /** Only s3:PutObject on media/*: the worker writes files and can read, list or delete nothing. */
  grantWriteMedia(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${MEDIA_PREFIX}*`)] }),
    );
  }

  /** The routes that declare `readsMedia` get the bucket's name, redirect delivery and the read grant. */
  wireRoutes(
    functions: Record<string, { addEnvironment(key: string, value: string): unknown } & IFunction>,
    list: readonly RouteDefinition[] = routes,
  ): void {
    for (const route of list) {
      const fn = functions[route.handler];
      if (!route.readsMedia || !fn) continue;
      fn.addEnvironment('MEDIA_BUCKET', this.bucket.bucketName);
      fn.addEnvironment('MEDIA_DELIVERY', 'redirect');
      this.grantReadMedia(fn);
    }
  }
}
