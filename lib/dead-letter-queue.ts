import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Where the failures of one source land after its retries: encrypted, TLS only, kept 14 days (SQS's
 * longest) for an operator to read; its depth alarms (Monitoring). cdk-nag asks every queue for a
 * dead-letter queue of its own and a redrive policy; this queue is the end of the line, so both are
 * acknowledged here with `of`, the source it serves.
 */
export const deadLetterQueue = (scope: Construct, id: string, of: string): Queue => {
  const queue = new Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  for (const rule of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
    Validations.of(queue).acknowledge({
      id: rule,
      reason: `This queue is the dead-letter queue of ${of}: it has none of its own and nothing consumes it to redrive from; its depth alarms.`,
    });
  }
  return queue;
};
