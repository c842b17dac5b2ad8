import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { FUNCTIONS } from '../../shared/topology';
import { notificationsHandlerLogs } from '../bucket-notifications';
import type { StageConfig } from '../config';
import { type FunctionKeySource, keyUsesOf } from '../constructs/function-keys';
import { functionLogGroupName, functionRoleArnPattern, logGroupArn } from '../constructs/hub-function';
import { allowKeyUse, principalsOfAccount } from '../constructs/hub-key';
import { BREAK_GLASS_ROLE_NAME, pascalCase } from '../naming';

/** The name of the log group of CDK's bucket-notifications handler (see notificationsHandlerLogs). */
export function notificationsHandlerLogGroupName(stageName: string): string {
  return `/art60-hub/${stageName}/bucket-notifications-handler`;
}

/**
 * The key policy side of every function's key grants: each key names the roles of the functions
 * that use it (by their stage's path, `aws:PrincipalArn`), for the actions their IAM policies
 * grant (infra/access.ts, from the same {@link keyUsesOf}), through the one service.
 */
export function allowFunctionsToUseKeys(stack: Stack, stageName: string, keys: FunctionKeySource): void {
  for (const fn of Object.values(FUNCTIONS)) {
    for (const use of keyUsesOf(fn, keys)) {
      allowKeyUse(use.key, {
        sid: `Function${pascalCase(fn.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()))}`,
        principalArns: [functionRoleArnPattern(stack, stageName, fn.name)],
        actions: [...use.actions].sort(),
        viaService: use.service,
      });
    }
  }
}

/**
 * DynamoDB encrypts a table with a customer-managed key through grants it creates on the key, as
 * the principal that creates or updates the table: the deployment, through DynamoDB only, for
 * AWS resources only.
 */
export function allowDeploymentToEncryptTables(stack: Stack, tablesKey: kms.Key, deploymentRoleArn: string): void {
  const { principals, conditions } = principalsOfAccount(stack, [deploymentRoleArn]);
  tablesKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DeploymentCreatesTableGrants',
      principals,
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        ...conditions,
        StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    }),
  );
}

/**
 * SSM encrypts a SecureString with the caller's permissions (`kms:Encrypt` through SSM, the
 * parameter's ARN as encryption context): the security office's break-glass role may, for the
 * disclosure key's parameter only, so that it can create it once. Nobody else may encrypt with the
 * key (nobody could write another value), and the SCP refuses everyone else `ssm:PutParameter` and
 * `ssm:DeleteParameter` on the hub's parameters.
 */
export function allowBreakGlassToCreateTheDisclosureKey(stack: Stack, key: kms.Key, parameterArn: string): void {
  const breakGlass = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: BREAK_GLASS_ROLE_NAME });
  const { principals, conditions } = principalsOfAccount(stack, [breakGlass]);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'BreakGlassCreatesTheDisclosureKey',
      principals,
      actions: ['kms:Encrypt'],
      resources: ['*'],
      conditions: {
        ...conditions,
        StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` },
        ArnEquals: { 'kms:EncryptionContext:PARAMETER_ARN': parameterArn },
      },
    }),
  );
}

/**
 * The log group of CDK's bucket-notifications handler, and the logs key's policy for every log
 * group of the hub (the functions' and that one).
 */
export function encryptLogGroups(stack: Stack, config: StageConfig, logsKey: kms.Key): void {
  notificationsHandlerLogs(stack, {
    logGroupName: notificationsHandlerLogGroupName(config.stageName),
    encryptionKey: logsKey,
    retention: config.logRetentionDays as logs.RetentionDays,
  });
  allowLogsToEncrypt(stack, logsKey, [
    ...Object.values(FUNCTIONS).map((fn) => functionLogGroupName(config.stageName, fn.name)),
    notificationsHandlerLogGroupName(config.stageName),
  ]);
}

/**
 * CloudWatch Logs encrypts the hub's log groups with the logs key, as its regional service
 * principal, for exactly these groups (the encryption context CloudWatch Logs passes is the group's
 * ARN). Reading the logs needs no key permission; unmasking them needs `logs:Unmask`, which no
 * role of the hub has.
 */
function allowLogsToEncrypt(stack: Stack, logsKey: kms.Key, logGroupNames: string[]): void {
  logsKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsEncryptsHubLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      resources: ['*'],
      conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupNames.map((n) => logGroupArn(stack, n)) } },
    }),
  );
}
