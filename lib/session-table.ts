import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableSchema } from '../functions/commons/store/table-schema.ts';

/**
 * The single table that holds windows, conversations, messages and aggregates, built from the
 * one schema declaration. Retained on stack deletion: it is the business's billing history.
 */
export class SessionTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: tableSchema.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // The outbox of event delivery (lib/event-publisher.ts) and the media worker: both images.
      stream: StreamViewType[tableSchema.streamView],
    });
    const history = tableSchema.historyIndex;
    this.table.addGlobalSecondaryIndex({
      indexName: history.name,
      partitionKey: { name: history.partitionKey, type: AttributeType.STRING },
      sortKey: { name: history.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...history.projected],
    });
  }
}
