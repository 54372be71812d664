import { type CfnElement, CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { StorageClass, type Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LATEST_REPORT_KEY } from '../functions/commons/report/report-sink.ts';
import { privateBucket } from './private-bucket.ts';

/** Every key the report job writes: the dated files and the latest page (reports/latest/daily.html). */
const REPORTS_PREFIX = 'reports/';

/**
 * The private bucket of the daily cost reports (reports/YYYY/MM/DD/*.json|csv|html, and the newest
 * daily page again at reports/latest/daily.html): no public access, TLS only, encrypted, older
 * reports moved to infrequent access and removed after two years. The bucket and the latest key are
 * stack outputs, so an operator finds the page without reading the template.
 */
export class ReportBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = privateBucket(
      this,
      {
        id: 'age-out-reports',
        prefix: REPORTS_PREFIX,
        transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
        expiration: Duration.days(730),
      },
      'Only the report function writes here (PutObject under reports/), once a day; GET /reports/cost?link=true presigns reads',
    );
    new CfnOutput(this, 'BucketName', {
      value: this.bucket.bucketName,
      description: 'The private bucket of the daily cost reports (reports/YYYY/MM/DD/)',
    });
    new CfnOutput(this, 'LatestReportKey', {
      value: LATEST_REPORT_KEY,
      description: 'The newest daily HTML report, overwritten by each run (GET /reports/cost?link=true presigns it)',
    });
  }

  private acknowledgePrefix(fn: IFunction, what: string): void {
    if (!fn.role) return;
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/reports/*]`,
      reason: `The report files are keyed reports/YYYY/MM/DD/<name>.<ext>, one set a day, and reports/latest/daily.html: ${what} on that prefix only.`,
    });
  }

  /** Exactly PutObject under reports/: grantPut would add tagging, retention and Abort* it never uses. */
  grantWriteReports(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${REPORTS_PREFIX}*`)] }),
    );
    this.acknowledgePrefix(fn, 'PutObject');
  }

  /**
   * What presigning a stored page needs: GetObject under reports/, and ListBucket on the bucket so a
   * page not yet written answers 404 to HeadObject instead of 403
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
   */
  wireReader(fn: { addEnvironment(key: string, value: string): unknown } & IFunction): void {
    fn.addEnvironment('REPORT_BUCKET', this.bucket.bucketName);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${REPORTS_PREFIX}*`)] }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    this.acknowledgePrefix(fn, 'GetObject (to presign and check a page), with ListBucket on the bucket itself');
  }
}
