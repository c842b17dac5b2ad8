import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTIONS, OPERATOR_FUNCTIONS } from '../shared/topology';
import { environmentOf, grantUses } from './access';
import { CheckSchedule } from './constructs/check-schedule';
import { HubFunction } from './constructs/hub-function';
import { TamperAlarm } from './constructs/tamper-alarm';
import { Monitoring } from './monitoring';
import { BATCH_WATCH_EVERY } from './monitoring-metrics';
import { acknowledgeServerless, SERVERLESS_REASONS } from './nag';
import type { StatefulStack } from './stateful-stack';
import { functionTamperRules } from './tamper-rules';

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulStack;
  /** The project's root (entries, package-lock.json). */
  readonly projectRoot: string;
}

/**
 * At most this many concurrent invocations per trigger (the event source mapping's maximum
 * concurrency; 2 is Lambda's least). A party that floods its inbound queue gets two invocations of
 * ten messages at a time and its backlog waits on its own queue, under the age and DLQ alarms,
 * instead of taking the account's concurrency from the other parties and split-batch.
 */
export const TRIGGER_MAX_CONCURRENCY = 2;

export type FunctionKey = keyof typeof FUNCTIONS;

/**
 * The stateless part of the hub: the functions, their triggers, their least-privilege roles, the
 * schedule of the batches' check, the dashboard, the alarms and the saved log queries. Replaceable at will; all data lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  readonly functions: Readonly<Record<FunctionKey, HubFunction>>;
  /**
   * The functions an operator invokes by hand (no trigger): an operator's role needs
   * `lambda:InvokeFunction` on exactly these.
   */
  readonly operatorFunctions: readonly HubFunction[];
  readonly monitoring: Monitoring;
  /** The tamper rule over the functions' code, configuration, permissions and triggers. */
  readonly tamperAlarm: TamperAlarm;
  /** EventBridge Scheduler's invocations of batch-watch, the scheduled check of the batches. */
  readonly batchWatchSchedule: CheckSchedule;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    const mappings: lambda.EventSourceMapping[] = [];

    this.functions = Object.fromEntries(
      (Object.keys(FUNCTIONS) as FunctionKey[]).map((k) => {
        const fn = FUNCTIONS[k];
        const hubFunction = new HubFunction(this, `Fn-${fn.name}`, {
          spec: fn,
          stageName: stateful.config.stageName,
          logsKey: stateful.keys.logs,
          projectRoot: props.projectRoot,
          environment: environmentOf(fn, stateful),
          logRetention: stateful.config.logRetentionDays as logs.RetentionDays,
        });
        grantUses(hubFunction, fn, stateful);
        for (const trigger of fn.triggers) {
          const mapping = new lambda.EventSourceMapping(this, `Trigger-${fn.name}-${trigger.name}`, {
            target: hubFunction.fn,
            eventSourceArn: stateful.queue(trigger).queue.queueArn,
            batchSize: fn.batchSize,
            reportBatchItemFailures: true,
            maxConcurrency: TRIGGER_MAX_CONCURRENCY,
          });
          acknowledgeServerless(mapping, 'LambdaEventSourceMappingDestination', SERVERLESS_REASONS.sqsTriggerHasNoDestination);
          mappings.push(mapping);
        }
        return [k, hubFunction];
      }),
    ) as Record<FunctionKey, HubFunction>;

    const operatorNames = new Set<string>(OPERATOR_FUNCTIONS.map((fn) => fn.name));
    this.operatorFunctions = Object.values(this.functions).filter((f) => operatorNames.has(f.spec.name));
    // Its physical name, to open it in the console or give to `aws lambda invoke`.
    for (const f of this.operatorFunctions) {
      new CfnOutput(this, `FunctionName-${f.spec.name}`, { value: f.fn.functionName, description: `Operator tool ${f.spec.name}` });
    }
    // The operator role may invoke these tools, and no other function. A policy of this stack attached
    // to the role: the role is the stateful stack's, and a grant written there would name the functions
    // of this stack, which depends on it (a cycle).
    new iam.Policy(this, 'OperatorInvokesTools', {
      roles: [stateful.operatorRole.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeOperatorTools',
          actions: ['lambda:InvokeFunction'],
          resources: this.operatorFunctions.map((f) => f.fn.functionArn),
        }),
      ],
    });

    this.tamperAlarm = new TamperAlarm(this, 'TamperAlarm', {
      rules: functionTamperRules({
        functions: Object.values(this.functions).map((f) => f.fn),
        mappings,
        queueArns: [...stateful.queues.values()].flatMap((q) => [q.queue.queueArn, q.deadLetterQueue.queueArn]),
      }),
      topic: stateful.alarmTopic,
      deadLetterKey: stateful.keys.operations,
    });

    // The scheduled check of the batches (shared/domain/operations/batch-watch.ts). A failed run is
    // not retried: the next one comes within 15 minutes, and the alarms wait an hour for a value.
    this.batchWatchSchedule = new CheckSchedule(this, 'BatchWatchSchedule', {
      fn: this.functions.batchWatch.fn,
      stageName: stateful.config.stageName,
      every: BATCH_WATCH_EVERY,
      description: 'batch-watch: is the batch file of the month missing, is a batch stuck PUBLISHING',
    });

    this.monitoring = new Monitoring(this, 'Monitoring', { stateful, functions: Object.values(this.functions) });
  }
}
