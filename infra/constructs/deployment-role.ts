import { DefaultStackSynthesizer, Fn, type Stack } from 'aws-cdk-lib';

/**
 * The ARN of the role that deploys `stack`: the CloudFormation execution role of the CDK bootstrap
 * (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`), as the stack's own synthesizer names it, so
 * that a custom qualifier (`@aws-cdk/core:bootstrapQualifier`) or role given to the synthesizer is
 * followed rather than guessed. CloudFormation makes every change of a deployment with this role;
 * the archive's rules and the keys' policies may be changed by it alone (README, Lock-down).
 */
export function deploymentRoleArn(stack: Stack): string {
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer)) {
    throw new Error(`${stack.stackName}: the lock-down needs the DefaultStackSynthesizer's CloudFormation execution role`);
  }
  // `${AWS::Partition}`, `${AWS::AccountId}`, `${AWS::Region}` placeholders, resolved by CloudFormation.
  return Fn.sub(synthesizer.cloudFormationExecutionRoleArn);
}
