import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

export interface CheckScheduleProps {
  /** The function to invoke, with no input. */
  readonly fn: lambda.IFunction;
  readonly every: Duration;
  readonly description: string;
  /** The stage: the role's path carries it. */
  readonly stageName: string;
}

/**
 * The IAM path of a schedule's role, `/art60-hub/<stage>/schedule/`: the organisation's SCP lets
 * the roles under it, besides the operator's, invoke a hub function (infra/policies/scp.json).
 */
export function scheduleRolePath(stageName: string): string {
  return `/art60-hub/${stageName}/schedule/`;
}

/**
 * EventBridge Scheduler invoking a function at a fixed rate, as a role that may invoke exactly that
 * function (no `:*` of its versions, which the hub never publishes) and that only this account's
 * schedules may assume. A failed run is not retried: the next one comes at the next tick.
 */
export class CheckSchedule extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CheckScheduleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
      description: `EventBridge Scheduler invokes ${props.description}`,
      path: scheduleRolePath(props.stageName),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'InvokeTheCheck', actions: ['lambda:InvokeFunction'], resources: [props.fn.functionArn] }),
    );
    const role = this.role;
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: props.description,
      schedule: scheduler.ScheduleExpression.rate(props.every),
      target: {
        bind: () => ({
          arn: props.fn.functionArn,
          role,
          retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: Duration.minutes(5).toSeconds() },
        }),
      },
    });
  }
}
