import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * A bucket only the engine's functions touch: no public access, TLS only, SSE-S3 (readers need no
 * KMS grant), kept on stack deletion, objects under one prefix aged out by one lifecycle rule.
 * `writers` says who writes and reads, the reason cdk-nag's server-access-log rule is acknowledged.
 */
export const privateBucket = (
  scope: Construct,
  rule: { id: string; prefix: string; expiration: Duration; transitions?: LifecycleRule['transitions'] },
  writers: string,
): Bucket => {
  const bucket = new Bucket(scope, 'Bucket', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{ ...rule, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: `${writers}; nothing is public. Object-level access is recorded by CloudTrail data events where the account enables them; a server-access-log bucket would need its own.`,
  });
  return bucket;
};
