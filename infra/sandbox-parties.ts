import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { StageConfig } from './config';
import { operatorRolePath } from './constructs/operator-role';
import { BREAK_GLASS_ROLE_NAME, sandboxOperatorRoleName, sandboxPartyRoleName } from './naming';
import { PARTIES, type Party, partyPolicyStatements } from './party-access';

export interface SandboxPartiesProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The parties of the sandbox stage (PPS, VDAB, Actiris, FOREM), played by four roles in the hub's
 * own account, so that a first deployment needs no partner. Anyone of the account allowed
 * `sts:AssumeRole` may assume them (`npm run smoke` does). Each carries the IAM policy a real
 * party attaches to its own role (`partyPolicyStatements`, the JSON of the README): the sandbox
 * proves that policy, written from names alone, is enough.
 */
export class SandboxPartiesStack extends Stack {
  readonly roles: Readonly<Record<Party, iam.Role>>;
  /** The sandbox's operator: the one principal its operator role trusts (`operatorPrincipalArns`). */
  readonly operatorPerson: iam.Role;

  constructor(scope: Construct, id: string, props: SandboxPartiesProps) {
    super(scope, id, props);
    const { config } = props;
    if (config.partyRoles !== 'sandbox-roles') throw new Error(`Stage "${config.stageName}" has real partners, not sandbox roles`);
    const hub = { stageName: config.stageName, account: config.account, region: config.region, partition: this.partition };
    this.roles = Object.fromEntries(
      PARTIES.map((party) => {
        const role = new iam.Role(this, `Party${party}`, {
          roleName: sandboxPartyRoleName(config.stageName, party),
          description: `art60 hub ${config.stageName}: plays ${party} (sandbox only)`,
          assumedBy: new iam.AccountRootPrincipal(),
          inlinePolicies: {
            'hub-access': new iam.PolicyDocument({
              statements: partyPolicyStatements(party, hub).map((st) => iam.PolicyStatement.fromJson(st)),
            }),
          },
        });
        for (const resource of [`arn:${this.partition}:kms:${config.region}:${config.account}:key/*`]) {
          Validations.of(role).acknowledge({
            id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
            reason:
              "A key's ARN holds a random id, unknown before the hub is deployed: the party names the key by its alias (kms:ResourceAliases condition), as a real partner does; the hub's key policy lets it use the key only through SQS or S3.",
          });
        }
        if (party === 'PPS') {
          const objects = (sid: string) => partyPolicyStatements(party, hub).find((st) => st.Sid === sid)?.Resource[0];
          Validations.of(role).acknowledge({
            id: `AwsSolutions::AwsSolutions-IAM5[Resource::${objects('PutMonthlyFiles')}]`,
            reason:
              'The PPS names each monthly file (monthly/<YYYY-MM>/<name>): only the inbound bucket and its monthly/ prefix are known; put only.',
          });
          Validations.of(role).acknowledge({
            id: `AwsSolutions::AwsSolutions-IAM5[Resource::${objects('ReadOwnReports')}]`,
            reason:
              "A report's key (<period>/<batchId>.json) is the hub's, given in batch.outcome: only the reports bucket is known; get only.",
          });
        }
        // npm run smoke assumes the roles it finds here (RoleArnVDAB, …, RoleArnPPS).
        new CfnOutput(this, `RoleArn-${party}`, { value: role.roleArn, description: `The role that plays ${party} in the sandbox` });
        return [party, role];
      }),
    ) as Record<Party, iam.Role>;
    // In a real stage an IAM Identity Center permission set; here a role the account may assume, which
    // may assume the operator role and nothing else. The hub's stacks depend on this one (hub.ts):
    // the operator role's trust policy names this role, and IAM refuses a principal that does not exist.
    this.operatorPerson = new iam.Role(this, 'OperatorPerson', {
      roleName: sandboxOperatorRoleName(config.stageName),
      description: `art60 hub ${config.stageName}: plays an operator (sandbox only)`,
      assumedBy: new iam.AccountRootPrincipal(),
      inlinePolicies: {
        'assume-operator-role': new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['sts:AssumeRole'],
              resources: [`arn:${this.partition}:iam::${config.account}:role${operatorRolePath(config.stageName)}*`],
            }),
          ],
        }),
      },
    });
    Validations.of(this.operatorPerson).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${this.partition}:iam::${config.account}:role${operatorRolePath(config.stageName)}*]`,
      reason: "The operator role's name is CloudFormation's; its path, the stage's operator path, is all that is known.",
    });
    // The security office's role, which alone may create the disclosure key's SecureString (its key's
    // policy and, in a real stage, the SCP): here the account may assume it, to run that one step.
    const breakGlass = new iam.Role(this, 'BreakGlass', {
      roleName: BREAK_GLASS_ROLE_NAME,
      description: `art60 hub ${config.stageName}: creates the disclosure key's parameter (sandbox only)`,
      assumedBy: new iam.AccountRootPrincipal(),
      inlinePolicies: {
        'create-disclosure-key': new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['ssm:PutParameter'],
              resources: [
                this.formatArn({
                  service: 'ssm',
                  resource: 'parameter',
                  resourceName: config.disclosureKeyParameterName.replace(/^\//, ''),
                }),
              ],
            }),
            new iam.PolicyStatement({
              actions: ['kms:Encrypt'],
              resources: [`arn:${this.partition}:kms:${config.region}:${config.account}:key/*`],
            }),
          ],
        }),
      },
    });
    Validations.of(breakGlass).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${this.partition}:kms:${config.region}:${config.account}:key/*]`,
      reason:
        "The disclosure key's id is known only after the hub is deployed; its key policy lets this role encrypt only through SSM, for the disclosure key's parameter.",
    });
    new CfnOutput(this, 'RoleArn-break-glass', {
      value: breakGlass.roleArn,
      description: "The role that creates the disclosure key's parameter in the sandbox",
    });
    new CfnOutput(this, 'RoleArn-operator', {
      value: this.operatorPerson.roleArn,
      description: 'The role that plays an operator in the sandbox',
    });
  }
}
