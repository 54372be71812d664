import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { routes, type RouteDefinition } from '../functions/routes.ts';
import { RETENTION_FLOOR_DAYS } from '../functions/commons/domain/platform.ts';
import { privateBucket } from './private-bucket.ts';

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
    this.bucket = privateBucket(
      this,
      {
        id: 'media-retention',
        prefix: MEDIA_PREFIX,
        expiration: Duration.days(Math.max(props.retentionDays ?? 30, RETENTION_FLOOR_DAYS)),
      },
      'Only the media worker writes here (PutObject under media/) and only GET /media reads (GetObject under media/, or a presigned URL it issues); objects expire with the message retention',
    );
  }

  /** Grants on media/* are the narrowest S3 allows: an object key names a message's file (media/<number>/<wamid>/<id>). */
  private acknowledgePrefix(fn: IFunction): void {
    if (!fn.role) return;
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/media/*]`,
      reason:
        'Media objects are keyed media/<phoneNumberId>/<wamid>/<mediaId>.<ext>, one per inbound file, not known when the stack is deployed: the one action this function needs (GetObject or PutObject) on that prefix only.',
    });
  }

  /** Only s3:GetObject on media/*: what presigning a GET (or reading the bytes) needs. */
  grantReadMedia(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${MEDIA_PREFIX}*`)] }),
    );
    this.acknowledgePrefix(fn);
  }

  /** Only s3:PutObject on media/*: the worker writes files and can read, list or delete nothing. */
  grantWriteMedia(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${MEDIA_PREFIX}*`)] }),
    );
    this.acknowledgePrefix(fn);
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
