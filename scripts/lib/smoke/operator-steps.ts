import { type CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { type CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { hubStackPrefix, outputKey } from '../../../infra/naming';
import { type PartyCredentials, SmokeFailure } from './definitions';

/** The smoke test's steps as the operator (scripts/lib/smoke.ts): the stacks' outputs, the parties' roles, an alarm. */

/** The outputs of a stack, by key; a missing stack is a failure that names it. */
export async function readStackOutputs(cloudFormation: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  let stacks: DescribeStacksCommandOutput;
  try {
    stacks = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    throw new SmokeFailure(`cannot read the stack ${stackName}: ${(error as Error).message}`);
  }
  const outputs: Record<string, string> = {};
  for (const o of stacks.Stacks?.[0]?.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
  return outputs;
}

/** One output, or a failure naming the stack and the output. */
export function output(outputs: Readonly<Record<string, string>>, stackName: string, constructId: string): string {
  const key = outputKey(constructId);
  const value = outputs[key];
  if (value === undefined) throw new SmokeFailure(`the stack ${stackName} has no output ${key}`);
  return value;
}

/** Assumes a party's role for the run. */
export async function assumePartyRole(sts: STSClient, roleArn: string, sessionName: string): Promise<PartyCredentials> {
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new SmokeFailure(`no credentials for ${roleArn}`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/**
 * Sets one of the stage's alarms to ALARM, so that its e-mail is sent; the alarm goes back to its
 * real state at its next evaluation (and sends OK). Returns the alarm's name.
 */
export async function raiseAlarm(cloudWatch: CloudWatchClient, stage: string, runId: string): Promise<string> {
  const prefix = `${hubStackPrefix(stage)}-Stateless-`;
  const { MetricAlarms: alarms = [] } = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, MaxRecords: 100 }));
  const names = alarms.map((a) => a.AlarmName).filter((n): n is string => n !== undefined);
  const name = names.find((n) => n.endsWith('-RefusedFile')) ?? names[0];
  if (name === undefined) throw new SmokeFailure(`no alarm named ${prefix}*: is the stateless stack deployed?`);
  await cloudWatch.send(
    new SetAlarmStateCommand({
      AlarmName: name,
      StateValue: 'ALARM',
      StateReason: `npm run smoke ${runId}: checking that the alarm e-mail arrives`,
    }),
  );
  return name;
}
