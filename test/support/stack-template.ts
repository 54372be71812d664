/**
 * What the synthesized stack must hold in more than one place, for the infra tests (test/infra) to
 * state once: the properties of a private bucket, and the IAM actions every function of a kind gets.
 */

/** A bucket no one reaches from outside, encrypted at rest (S3-managed keys). */
export const PRIVATE_ENCRYPTED_BUCKET = {
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  },
  BucketEncryption: {
    ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
  },
};

/** A function reading the table's stream: the event source mapping's reads, and its failure queue. */
export const STREAM_READER_ACTIONS = [
  'dynamodb:ListStreams',
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'sqs:SendMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
];

/** Every function's baseline (lib/lambda-function.ts): its own log group and X-Ray. */
export const FUNCTION_BASELINE_ACTIONS = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
];
