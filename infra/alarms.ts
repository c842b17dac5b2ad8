import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { METRIC } from '../shared/observability';
import { FUNCTIONS, QUEUES } from '../shared/topology';
import type { HubFunction } from './constructs/hub-function';
import {
  businessMetric,
  FIVE_MINUTES,
  NOTIFICATION_AGE_ALARM_SECONDS,
  ONE_HOUR,
  PARTY_OUTBOUND_QUEUES,
  RETURN_FLOW_FUNCTIONS,
} from './monitoring-metrics';
import { nameAfterStack } from './naming';
import type { StatefulStack } from './stateful-stack';

/**
 * The hub's alarms, each sent to the stateful stack's SNS topic, and each naming the section of
 * the operators' runbook (docs/operators.md) that says what to do when it fires.
 */

/** The runbook sections the alarms name: anchors of their headings in docs/operators.md ("Runbook"). */
export const RUNBOOK = {
  deadLetters: 'redrive-a-dlq',
  partyStopped: 'a-party-stopped-polling',
  refusedFile: 'reprocess-a-refused-file-after-a-fix',
  fileNotDelivered: 'a-file-is-not-delivered',
  wrongChannel: 'a-message-on-the-wrong-channel',
  refusedMessages: 'return-messages-keep-being-refused',
  functionErrors: 'a-function-fails',
} as const;

/** Where the operators' runbook is, relative to the repository's root. */
export const RUNBOOK_PAGE = 'docs/operators.md';

export interface HubAlarmsProps {
  readonly stateful: StatefulStack;
  readonly functions: readonly HubFunction[];
}

/** Adds every alarm of the hub to `scope`, in the order the dashboard shows them. */
export function addHubAlarms(scope: Construct, props: HubAlarmsProps): cloudwatch.Alarm[] {
  const { stateful } = props;
  const config = stateful.config;
  const topicAction = new actions.SnsAction(stateful.alarmTopic);
  const alarms: cloudwatch.Alarm[] = [];
  const alarm = (id: string, what: string, runbook: string, metric: cloudwatch.IMetric, threshold: number): void => {
    const a = new cloudwatch.Alarm(scope, id, {
      alarmName: nameAfterStack(id),
      alarmDescription: `${what}. Runbook: ${RUNBOOK_PAGE}#${runbook}`,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(topicAction);
    // OK too: an operator who got the alarm learns that it is over without opening the console.
    a.addOkAction(topicAction);
    alarms.push(a);
  };
  const split = FUNCTIONS.splitBatch.name;

  // Any dead letter is a message the hub or a party could not process: look now, a DLQ keeps it 14 days at most.
  for (const q of stateful.queues.values()) {
    alarm(
      `DeadLetters-${q.spec.name}`,
      `${q.deadLetterSpec.name} is not empty: a message failed five receives`,
      RUNBOOK.deadLetters,
      q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
      1,
    );
  }
  for (const spec of PARTY_OUTBOUND_QUEUES) {
    const q = stateful.queue(spec);
    alarm(
      `OldestMessage-${spec.name}`,
      `The oldest message on ${spec.name} is older than ${config.oldestMessageAlarmHours} h: its reader stopped polling (messages expire after 14 days)`,
      RUNBOOK.partyStopped,
      q.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
      config.oldestMessageAlarmHours * 3600,
    );
  }
  alarm(
    'RefusedFile',
    'A monthly batch file was refused: nothing of it was delivered, its report says why',
    RUNBOOK.refusedFile,
    businessMetric(METRIC.batchesRefused, split, FIVE_MINUTES),
    1,
  );
  // split-batch does not throw when every notification of an invocation fails: the Errors alarm
  // stays silent, and the notification comes back only after the 5,400 s visibility timeout.
  alarm(
    'FailedNotification',
    'split-batch failed a notification: a monthly file is not delivered yet, SQS retries it in 90 minutes',
    RUNBOOK.fileNotDelivered,
    businessMetric(METRIC.batchesFailed, split, FIVE_MINUTES),
    1,
  );
  const notifications = stateful.queue(QUEUES.batchNotifications);
  alarm(
    `OldestMessage-${notifications.spec.name}`,
    `A notification of a monthly file has waited ${NOTIFICATION_AGE_ALARM_SECONDS / 60} minutes on ${notifications.spec.name}: it failed, or nothing polls the queue`,
    RUNBOOK.fileNotDelivered,
    notifications.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
    NOTIFICATION_AGE_ALARM_SECONDS,
  );
  for (const fn of RETURN_FLOW_FUNCTIONS) {
    // A party that claims another's KBO, or sends a type only another party sends: possibly spoofing, so at the first.
    alarm(
      `WrongChannel-${fn.name}`,
      `${fn.name} refused a return message WRONG_CHANNEL: a party sent what only another party may send`,
      RUNBOOK.wrongChannel,
      businessMetric(METRIC.returnMessagesRefused, fn.name, FIVE_MINUTES, { code: 'WRONG_CHANNEL' }),
      1,
    );
    alarm(
      `RefusedReturnMessages-${fn.name}`,
      `${fn.name} refused ${config.refusedReturnMessagesAlarmPerHour} or more return messages in an hour: a party's integration may be broken`,
      RUNBOOK.refusedMessages,
      businessMetric(METRIC.returnMessagesRefused, fn.name, ONE_HOUR),
      config.refusedReturnMessagesAlarmPerHour,
    );
  }
  for (const f of props.functions) {
    alarm(
      `Errors-${f.spec.name}`,
      `The ${f.spec.name} function failed: an invocation threw, timed out or could not start`,
      RUNBOOK.functionErrors,
      f.fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      1,
    );
  }
  return alarms;
}
