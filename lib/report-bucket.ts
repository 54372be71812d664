import { Duration } from 'aws-cdk-lib';
import { StorageClass, type Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { privateBucket } from './private-bucket.ts';

/**
 * The private bucket of the daily cost reports (reports/YYYY/MM/DD/*.json|csv|html): no public
 * access, TLS only, encrypted, older reports moved to infrequent access and removed after two years.
 */
export class ReportBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = privateBucket(
      this,
      {
        id: 'age-out-reports',
        prefix: 'reports/',
        transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
        expiration: Duration.days(730),
      },
      'Only the report function writes here (PutObject under reports/), once a day',
    );
  }
}
