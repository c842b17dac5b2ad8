import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PITR_RECOVERY_PERIOD_DAYS } from '../../shared/domain/retention';
import { type TableSpec, TTL_ATTRIBUTE } from '../../shared/topology';

export interface HubTableProps {
  readonly spec: TableSpec;
  readonly encryptionKey: kms.IKey;
  /** The deployment's role (the CDK bootstrap's execution role): the only one that changes a table's rules. */
  readonly deploymentRoleArn: string;
  /** The ARN pattern of the hub's own roles (functions, operator): the only ones that touch its items. */
  readonly hubRolesArnPattern: string;
}

/**
 * What only the deployment may do to a table: switch its TTL (items would outlive their deadline),
 * take a backup or an export (copies that outlive it, return-flows §5), restore one, change its
 * point-in-time recovery, delete it, or change this policy.
 */
export const TABLE_RULE_ACTIONS = [
  'dynamodb:UpdateTimeToLive',
  'dynamodb:CreateBackup',
  'dynamodb:ExportTableToPointInTime',
  'dynamodb:RestoreTableToPointInTime',
  'dynamodb:UpdateContinuousBackups',
  'dynamodb:DeleteTable',
  'dynamodb:PutResourcePolicy',
  'dynamodb:DeleteResourcePolicy',
];

/**
 * The item actions, which only the hub's roles make. DynamoDB decrypts items with the table's key
 * through the grant it made when the table was created, not with the caller's permissions: the key
 * policy does not keep an administrator from an item, this policy does.
 */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PartiQLSelect',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

/** The table's resource policy: {@link TABLE_RULE_ACTIONS} to the deployment only, {@link TABLE_DATA_ACTIONS} to the hub's roles only. */
function tablePolicy(props: HubTableProps): iam.PolicyDocument {
  const deny = (sid: string, actions: string[], principalArn: string) =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions,
      // A table's policy names no table: `*` is the table it is attached to (and its indexes).
      resources: ['*'],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': principalArn } },
    });
  return new iam.PolicyDocument({
    statements: [
      deny('DenyRuleChangesButByDeployment', TABLE_RULE_ACTIONS, props.deploymentRoleArn),
      deny('DenyItemsButToTheHubsRoles', TABLE_DATA_ACTIONS, props.hubRolesArnPattern),
    ],
  });
}

/**
 * A table of the topology: on-demand, customer-managed KMS encryption, TTL on `expiresAt` (epoch
 * seconds; every item's deadline, return-flows §5), point-in-time recovery for exactly the window
 * that the retention module counts as keeping (shared/domain/retention.ts: every TTL is shortened by
 * it), deletion protection, retained when the stack goes, and a resource policy that leaves its
 * rules to the deployment and its items to the hub's own roles.
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
      resourcePolicy: tablePolicy(props),
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
