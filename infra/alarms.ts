import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRIC } from '../shared/observability';
import { FUNCTIONS, OPERATOR_FUNCTIONS, QUEUES, type QueueSpec, type TableKey } from '../shared/topology';
import type { HubFunction } from './constructs/hub-function';
import {
  BATCH_WATCH_PERIOD,
  businessMetric,
  FIVE_MINUTES,
  INBOUND_AGE_ALARM_SECONDS,
  NOTIFICATION_AGE_ALARM_SECONDS,
  ONE_HOUR,
  PARTY_OUTBOUND_QUEUES,
  RETURN_FLOW_FUNCTIONS,
  tableThrottles,
} from './monitoring-metrics';
import { nameAfterStack, RUNBOOK_PAGE } from './naming';
import type { StatefulStack } from './stateful-stack';

/**
 * The hub's alarms. None sends anything itself: each is a member of its area's composite alarm
 * (infra/alarm-areas.ts), which is what mails, so that one incident sends one mail. Each
 * description says what happened and where, and ends with the runbook section (docs/operators.md)
 * to follow.
 */

/** The runbook sections the alarms name: anchors of their headings in docs/operators.md ("Runbook"). */
export const RUNBOOK = {
  areas: 'an-area-alarm',
  deadLetters: 'redrive-a-dlq',
  partyStopped: 'a-party-stopped-polling',
  refusedFile: 'reprocess-a-refused-file-after-a-fix',
  fileNotDelivered: 'a-file-is-not-delivered',
  noMonthlyFile: 'no-file-this-month',
  stuckPublishing: 'a-batch-stays-publishing',
  inboundNotRead: 'the-hub-stopped-reading-a-queue',
  wrongChannel: 'a-message-on-the-wrong-channel',
  refusedMessages: 'return-messages-keep-being-refused',
  functionErrors: 'a-function-fails',
  throttled: 'a-function-is-throttled',
  tableThrottled: 'a-table-is-throttled',
  alarmsNotDelivered: 'alarms-are-not-delivered',
} as const;

// Where the operators' runbook is (infra/naming.ts): the tamper rules name it too.
export { RUNBOOK_PAGE } from './naming';

/** The areas of the hub whose composite alarms mail (infra/alarm-areas.ts). */
export type AlarmArea = 'batch' | 'returnFlows' | 'parties' | 'security' | 'operations';

/**
 * `state`: the alarm holds while a condition lasts (a DLQ not empty, an old message, a missing
 * file) and returns to OK when it is over, so its OK means recovered. `count`: something happened
 * (an error, a refusal); the alarm stays in ALARM until an hour passes without another, and its OK
 * means only that, so it is never sent.
 */
export type AlarmKind = 'state' | 'count';

/** A member alarm with its area and kind. */
export interface HubAlarm {
  readonly alarm: cloudwatch.Alarm;
  readonly area: AlarmArea;
  readonly kind: AlarmKind;
}

/** A count alarm stays in ALARM until this long passes without a new count: one mail per incident. */
export const QUIET_TIME = ONE_HOUR;

export interface HubAlarmsProps {
  readonly stateful: StatefulStack;
  readonly functions: readonly HubFunction[];
}

interface AlarmSpec {
  readonly what: string;
  readonly runbook: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly kind: AlarmKind;
  readonly area: AlarmArea;
  /** Silence is a failure (the scheduled check's metrics); otherwise silence is fine. */
  readonly silenceBreaches?: boolean;
}

/** The area of each function's Errors and Throttles alarms. */
function areaOfFunction(name: string): AlarmArea {
  if (name === FUNCTIONS.splitBatch.name || name === FUNCTIONS.batchWatch.name) return 'batch';
  if (RETURN_FLOW_FUNCTIONS.some((f) => f.name === name)) return 'returnFlows';
  if (OPERATOR_FUNCTIONS.some((f) => f.name === name)) return 'operations';
  throw new Error(`${name}: no alarm area (infra/alarms.ts)`);
}

/** The area of each queue's DLQ and age alarms. */
function areaOfQueue(spec: QueueSpec): AlarmArea {
  if (spec.name === QUEUES.batchNotifications.name) return 'batch';
  return PARTY_OUTBOUND_QUEUES.some((q) => q.name === spec.name) ? 'parties' : 'returnFlows';
}

/** The area of each table's throttling alarm: the batch writes the manifests, the ledger and the proofs of delivery. */
const TABLE_AREA: Readonly<Record<TableKey, AlarmArea>> = {
  batches: 'batch',
  paymentLines: 'batch',
  disclosures: 'batch',
  deliveryProofs: 'batch',
  corrections: 'returnFlows',
  refusedMessages: 'returnFlows',
};

/** Every member alarm of the hub, in the order the dashboard shows them. */
export function addHubAlarms(scope: Construct, props: HubAlarmsProps): HubAlarm[] {
  const { stateful } = props;
  const config = stateful.config;
  const alarms: HubAlarm[] = [];
  const alarm = (id: string, spec: AlarmSpec): void => {
    const period = spec.metric.toMetricConfig().metricStat?.period ?? FIVE_MINUTES;
    const a = new cloudwatch.Alarm(scope, id, {
      alarmName: nameAfterStack(id),
      alarmDescription: `${spec.what}. Runbook: ${RUNBOOK_PAGE}#${spec.runbook}`,
      metric: spec.metric,
      threshold: spec.threshold,
      // A count: any count in the last hour holds the alarm (1 of 12 five-minute periods).
      evaluationPeriods: spec.kind === 'count' ? Math.max(1, Math.ceil(QUIET_TIME.toSeconds() / period.toSeconds())) : 1,
      datapointsToAlarm: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: spec.silenceBreaches ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarms.push({ alarm: a, area: spec.area, kind: spec.kind });
  };
  const maximum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM } as const;
  const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM } as const;
  const split = FUNCTIONS.splitBatch.name;
  const watch = FUNCTIONS.batchWatch.name;

  // Any dead letter is a message the hub or a party could not process: look now, a DLQ keeps it 14 days at most.
  for (const q of stateful.queues.values()) {
    alarm(`DeadLetters-${q.spec.name}`, {
      what: `${q.deadLetterSpec.name} is not empty: a message of ${q.spec.name} failed five receives and waits for a redrive`,
      runbook: RUNBOOK.deadLetters,
      metric: q.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum),
      threshold: 1,
      kind: 'state',
      area: areaOfQueue(q.spec),
    });
  }
  for (const spec of PARTY_OUTBOUND_QUEUES) {
    alarm(`OldestMessage-${spec.name}`, {
      what: `The oldest message on ${spec.name} is older than ${config.oldestMessageAlarmHours} h: its reader stopped polling (messages expire after 14 days)`,
      runbook: RUNBOOK.partyStopped,
      metric: stateful.queue(spec).queue.metricApproximateAgeOfOldestMessage(maximum),
      threshold: config.oldestMessageAlarmHours * 3600,
      kind: 'state',
      area: 'parties',
    });
  }
  // The hub's own inbound queues: a message waits there only when the hub does not read it (the
  // trigger disabled, the function unable to start or to use the queue's key) or keeps failing it.
  for (const spec of [...Object.values(QUEUES.recipientInbound), QUEUES.ppsInbound]) {
    alarm(`OldestMessage-${spec.name}`, {
      what: `A message has waited ${INBOUND_AGE_ALARM_SECONDS / 60} minutes on ${spec.name}: the hub is not reading it, or failed it twice (a dependency failing; it retries for two hours before the DLQ)`,
      runbook: RUNBOOK.inboundNotRead,
      metric: stateful.queue(spec).queue.metricApproximateAgeOfOldestMessage(maximum),
      threshold: INBOUND_AGE_ALARM_SECONDS,
      kind: 'state',
      area: 'returnFlows',
    });
  }
  alarm('RefusedFile', {
    what: 'A monthly batch file was refused: nothing of it was delivered, its report in the reports bucket says why',
    runbook: RUNBOOK.refusedFile,
    metric: businessMetric(METRIC.batchesRefused, split, FIVE_MINUTES),
    threshold: 1,
    kind: 'count',
    area: 'batch',
  });
  // split-batch does not throw when every notification of an invocation fails: the Errors alarm
  // stays silent, and the notification comes back only after the 5,400 s visibility timeout.
  alarm('FailedNotification', {
    what: 'split-batch failed a notification: a monthly file is not delivered yet, SQS retries it in 90 minutes',
    runbook: RUNBOOK.fileNotDelivered,
    metric: businessMetric(METRIC.batchesFailed, split, FIVE_MINUTES),
    threshold: 1,
    kind: 'count',
    area: 'batch',
  });
  const notifications = stateful.queue(QUEUES.batchNotifications);
  alarm(`OldestMessage-${notifications.spec.name}`, {
    what: `A notification of a monthly file has waited ${NOTIFICATION_AGE_ALARM_SECONDS / 60} minutes on ${notifications.spec.name}: it failed, or nothing polls the queue`,
    runbook: RUNBOOK.fileNotDelivered,
    metric: notifications.queue.metricApproximateAgeOfOldestMessage(maximum),
    threshold: NOTIFICATION_AGE_ALARM_SECONDS,
    kind: 'state',
    area: 'batch',
  });
  // The scheduled check publishes both at every run: a silent hour means it stopped, and alarms too.
  alarm('NoMonthlyFile', {
    what: `No monthly batch file has been received this month and its due day (${config.monthlyFileDueDay}, Brussels time) has come, or batch-watch stopped reporting`,
    runbook: RUNBOOK.noMonthlyFile,
    metric: businessMetric(METRIC.monthlyFileMissing, watch, BATCH_WATCH_PERIOD).with({ statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    kind: 'state',
    area: 'batch',
    silenceBreaches: true,
  });
  alarm('StuckPublishing', {
    what: 'A batch has stayed PUBLISHING in the batches table past its lease, and no retry took it over, or batch-watch stopped reporting',
    runbook: RUNBOOK.stuckPublishing,
    metric: businessMetric(METRIC.batchesStuckPublishing, watch, BATCH_WATCH_PERIOD).with({ statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    kind: 'state',
    area: 'batch',
    silenceBreaches: true,
  });
  for (const fn of RETURN_FLOW_FUNCTIONS) {
    // A party that claims another's KBO, or sends a type only another party sends: possibly spoofing, so at the first.
    alarm(`WrongChannel-${fn.name}`, {
      what: `${fn.name} refused a return message WRONG_CHANNEL: a party sent what only another party may send`,
      runbook: RUNBOOK.wrongChannel,
      metric: businessMetric(METRIC.returnMessagesRefused, fn.name, FIVE_MINUTES, { code: 'WRONG_CHANNEL' }),
      threshold: 1,
      kind: 'count',
      area: 'security',
    });
    alarm(`RefusedReturnMessages-${fn.name}`, {
      what: `${fn.name} refused ${config.refusedReturnMessagesAlarmPerHour} or more return messages in an hour: a party's integration may be broken`,
      runbook: RUNBOOK.refusedMessages,
      metric: businessMetric(METRIC.returnMessagesRefused, fn.name, ONE_HOUR),
      threshold: config.refusedReturnMessagesAlarmPerHour,
      kind: 'count',
      area: 'returnFlows',
    });
  }
  for (const f of props.functions) {
    const area = areaOfFunction(f.spec.name);
    alarm(`Errors-${f.spec.name}`, {
      what: `The ${f.spec.name} function failed: an invocation threw, timed out or could not start`,
      runbook: RUNBOOK.functionErrors,
      metric: f.fn.metricErrors(sum),
      threshold: 1,
      kind: 'count',
      area,
    });
    alarm(`Throttles-${f.spec.name}`, {
      what: `Lambda throttled ${f.spec.name}: an invocation was refused for want of concurrency (the account's, or a trigger's maximum)`,
      runbook: RUNBOOK.throttled,
      metric: f.fn.metricThrottles(sum),
      threshold: 1,
      kind: 'count',
      area,
    });
  }
  for (const [key, hubTable] of Object.entries(stateful.tables) as Array<[TableKey, StatefulStack['tables'][TableKey]]>) {
    alarm(`TableThrottled-${hubTable.spec.name}`, {
      what: `DynamoDB throttled reads or writes of the ${hubTable.spec.name} table: the SDK retried them, a function may have failed for it`,
      runbook: RUNBOOK.tableThrottled,
      metric: tableThrottles(hubTable.table),
      threshold: 1,
      kind: 'count',
      area: TABLE_AREA[key],
    });
  }
  // The topic that carries every mail of the areas: a failed delivery (an endpoint down, a mailbox
  // refusing) reaches the operators by the other subscription.
  alarm('AlarmTopicFailed', {
    what: 'The alarm topic failed to deliver a notification to one of its subscriptions (the e-mail or the HTTPS endpoint)',
    runbook: RUNBOOK.alarmsNotDelivered,
    metric: stateful.alarmTopic.metricNumberOfNotificationsFailed({ ...sum, period: Duration.minutes(5) }),
    threshold: 1,
    kind: 'count',
    area: 'operations',
  });
  return alarms;
}
