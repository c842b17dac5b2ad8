import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PITR_RECOVERY_PERIOD_DAYS } from '../../shared/domain/retention';
import { type TableSpec, TTL_ATTRIBUTE } from '../../shared/topology';

export interface HubTableProps {
  readonly spec: TableSpec;
  readonly encryptionKey: kms.IKey;
}

/**
 * A table of the topology: on-demand, customer-managed KMS encryption, TTL on `expiresAt` (epoch
 * seconds; every item's deadline, return-flows §5), point-in-time recovery for exactly the window
 * that the retention module counts as keeping (shared/domain/retention.ts: every TTL is shortened by
 * it), deletion protection, retained when the stack goes.
 */
export class HubTable extends Construct {
  readonly spec: TableSpec;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: HubTableProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: spec.partitionKey, type: dynamodb.AttributeType.STRING },
      ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: PITR_RECOVERY_PERIOD_DAYS },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of spec.globalIndexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
        ...(index.include
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] }
          : { projectionType: dynamodb.ProjectionType.ALL }),
      });
    }
  }
}
