import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS } from '../../../infra/alarm-areas';
import { RUNBOOK, RUNBOOK_PAGE } from '../../../infra/alarms';
import { scheduleRolePath } from '../../../infra/constructs/check-schedule';
import { TAMPER_RUNBOOK } from '../../../infra/constructs/tamper-alarm';
import { buildHub, PROJECT_ROOT } from '../../../infra/hub';
import { LOG_QUERIES } from '../../../infra/log-queries';
import { INBOUND_AGE_ALARM_SECONDS, PARTY_OUTBOUND_QUEUES } from '../../../infra/monitoring-metrics';
import { HTTPS_ALARM_DELIVERY } from '../../../infra/stateful/alerting';
import type { FunctionKey } from '../../../infra/stateless-stack';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import { METRIC } from '../../../shared/observability';
import { allQueues, FUNCTIONS, OPERATOR_FUNCTIONS, QUEUES, TABLES } from '../../../shared/topology';
import { docSection, headings, readDoc } from '../../support/docs';
import {
  DEV,
  logicalId,
  type Resource,
  removeOutdir,
  resources,
  type Statement,
  type Synthesized,
  stringLike,
  synthesizeHub,
} from './helpers';

/**
 * The operators' view as synthesized: every member alarm, the areas that mail them, the saved log
 * queries, the dashboard, the scheduled check and the alarm topic's subscriptions.
 */

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
});
afterAll(() => removeOutdir(s));

const STATEFUL = 'Art60Hub-dev-Stateful';
const fnKeys = Object.keys(FUNCTIONS) as FunctionKey[];
const topic = () => ({
  'Fn::ImportValue': expect.stringMatching(new RegExp(`^${STATEFUL}:ExportsOutputRef${logicalId(s.hub.stateful.alarmTopic)}`)),
});

/** A name as deployed: the stack's name in place of its reference, the rest as written. */
const rendered = (name: unknown): string => {
  const parts = (name as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!parts) throw new Error(`not a name joined with the stack's: ${JSON.stringify(name)}`);
  return parts[1]
    .map((p) => (typeof p === 'string' ? p : JSON.stringify(p) === '{"Ref":"AWS::StackName"}' ? s.hub.stateless.stackName : '?'))
    .join(parts[0]);
};
const PREFIX = `Art60Hub-${DEV.stageName}-Stateless-`;
/** Every metric alarm of the stateless stack by its name without the stack's prefix. */
const everyAlarm = (): Map<string, Record<string, unknown> & { id: string }> =>
  new Map(
    Object.entries(resources(s.stateless, 'AWS::CloudWatch::Alarm')).map(([id, a]) => [
      rendered(a.Properties.AlarmName).slice(PREFIX.length),
      { ...a.Properties, id },
    ]),
  );
/** The member alarms of the operators' view (infra/alarms.ts); another construct may add alarms of its own. */
const alarms = () => new Map([...everyAlarm()].filter(([, a]) => a.id.startsWith('Monitoring')));
const composites = (): Map<string, Record<string, unknown> & { members: string[] }> =>
  new Map(
    Object.values(resources(s.stateless, 'AWS::CloudWatch::CompositeAlarm')).map((a) => {
      const rule = (a.Properties.AlarmRule as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const ids = rule.flatMap((p) =>
        (p as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ? [(p as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]] : [],
      );
      const names = new Map([...everyAlarm()].map(([name, al]) => [al.id, name]));
      return [
        rendered(a.Properties.AlarmName).slice(PREFIX.length),
        { ...a.Properties, members: ids.map((id) => names.get(id) ?? id).sort() },
      ];
    }),
  );

const STATE_ALARMS = [
  ...allQueues().map((q) => `DeadLetters-${q.name}`),
  ...[...PARTY_OUTBOUND_QUEUES, QUEUES.batchNotifications, ...Object.values(QUEUES.recipientInbound), QUEUES.ppsInbound].map(
    (q) => `OldestMessage-${q.name}`,
  ),
  'NoMonthlyFile',
  'StuckPublishing',
];
const COUNT_ALARMS = [
  'RefusedFile',
  'FailedNotification',
  ...['region-inbound', 'pps-inbound'].flatMap((f) => [`WrongChannel-${f}`, `RefusedReturnMessages-${f}`]),
  ...fnKeys.flatMap((k) => [`Errors-${FUNCTIONS[k].name}`, `Throttles-${FUNCTIONS[k].name}`]),
  ...Object.values(TABLES).map((t) => `TableThrottled-${t.name}`),
  'AlarmTopicFailed',
];

describe('every failure seen: the member alarms', () => {
  it('has exactly these alarms, each on its own name', () => {
    expect([...alarms().keys()].sort()).toEqual([...STATE_ALARMS, ...COUNT_ALARMS].sort());
    // DLQs, ages (parties, notifications, inbound), file, notification, WRONG_CHANNEL and refusals, errors and throttles, tables, topic, check.
    expect(alarms().size).toBe(9 + 9 + 2 + 4 + 2 * fnKeys.length + Object.keys(TABLES).length + 1 + 2);
  });

  it('sends nothing from a member alarm: its area does', () => {
    for (const [name, a] of alarms()) {
      for (const actions of ['AlarmActions', 'OKActions', 'InsufficientDataActions'])
        expect(a[actions], `${name} ${actions}`).toBeUndefined();
    }
  });

  it("alarms when a message waits 10 minutes on one of the hub's own inbound queues", () => {
    for (const spec of [...Object.values(QUEUES.recipientInbound), QUEUES.ppsInbound]) {
      const a = alarms().get(`OldestMessage-${spec.name}`)!;
      expect(a).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Statistic: 'Maximum',
        Period: 300,
        Threshold: INBOUND_AGE_ALARM_SECONDS,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(JSON.stringify(a.Dimensions)).toContain(logicalId(s.hub.stateful.queue(spec).queue));
    }
    expect(INBOUND_AGE_ALARM_SECONDS).toBe(600);
  });

  it('alarms on a throttle of any function', () => {
    for (const k of fnKeys) {
      expect(alarms().get(`Throttles-${FUNCTIONS[k].name}`)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(s.hub.stateless.functions[k].fn) } }],
      });
    }
  });

  it('alarms on throttled reads or writes of every table, zeros filled so that it returns to OK (AWS/DynamoDB alarms keep their state on missing data)', () => {
    for (const [key, spec] of Object.entries(TABLES)) {
      const a = alarms().get(`TableThrottled-${spec.name}`)!;
      const metrics = a.Metrics as Array<{
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: unknown[] } };
      }>;
      expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(table_reads, 0) + FILL(table_writes, 0)');
      const stats = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat!.Metric);
      expect(stats.map((m) => `${m.Namespace}/${m.MetricName}`).sort()).toEqual([
        'AWS/DynamoDB/ReadThrottleEvents',
        'AWS/DynamoDB/WriteThrottleEvents',
      ]);
      for (const m of stats)
        expect(JSON.stringify(m.Dimensions)).toContain(logicalId(s.hub.stateful.tables[key as keyof typeof TABLES].table));
    }
  });

  it('alarms when the alarm topic fails to deliver a notification', () => {
    expect(alarms().get('AlarmTopicFailed')).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Statistic: 'Sum',
      Dimensions: [
        {
          Name: 'TopicName',
          Value: { 'Fn::ImportValue': expect.stringContaining(`ExportsOutputFnGetAtt${logicalId(s.hub.stateful.alarmTopic)}TopicName`) },
        },
      ],
    });
  });

  it('alarms when the month has no file by its due day, or a batch stays PUBLISHING, from the scheduled check, and when the check is silent', () => {
    for (const [name, metric] of [
      ['NoMonthlyFile', METRIC.monthlyFileMissing],
      ['StuckPublishing', METRIC.batchesStuckPublishing],
    ] as const) {
      expect(alarms().get(name)).toMatchObject({
        Namespace: 'Art60Hub',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'batch-watch' }],
        Statistic: 'Maximum',
        Period: 3600,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'breaching',
      });
    }
    expect(alarms().get('NoMonthlyFile')!.AlarmDescription).toContain(`due day (${DEV.monthlyFileDueDay}, Brussels time)`);
  });

  it('runs the check every 15 minutes by EventBridge Scheduler, as a role that may invoke batch-watch only', () => {
    const schedules = Object.values(resources(s.stateless, 'AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.Properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(s.hub.stateless.functions.batchWatch.fn), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [logicalId(s.hub.stateless.batchWatchSchedule.role), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
    // Under the path the organisation's SCP lets invoke a hub function (infra/policies/scp.json).
    const role = resources(s.stateless, 'AWS::IAM::Role')[logicalId(s.hub.stateless.batchWatchSchedule.role)]!;
    expect(role.Properties.Path).toBe(scheduleRolePath(DEV.stageName));
    const scp = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'infra/policies/scp.json'), 'utf8')) as { Statement: Statement[] };
    const invokers = scp.Statement.find((st) => st.Sid === 'NobodyInvokesHubFunctionsButOperators')!.Condition!.ArnNotLike![
      'aws:PrincipalArn'
    ] as string[];
    expect(
      invokers.some((pattern) => stringLike(pattern, `arn:aws:iam::${DEV.account}:role${scheduleRolePath(DEV.stageName)}AnyName`)),
    ).toBe(true);
  });

  it('holds a count alarm an hour after its last count (1 of 12 five-minute periods), a state alarm only while it lasts', () => {
    for (const name of COUNT_ALARMS) {
      const a = alarms().get(name)!;
      const period = (a.Period as number | undefined) ?? 300;
      expect(a.DatapointsToAlarm, name).toBe(1);
      expect((a.EvaluationPeriods as number) * period, name).toBe(3600);
      expect(a.TreatMissingData, name).toBe('notBreaching');
    }
    for (const name of STATE_ALARMS) expect(alarms().get(name)!.EvaluationPeriods, name).toBe(1);
  });
});

describe('alarms a person can trust: the areas', () => {
  const areaNames = Object.values(AREAS).map((a) => a.name);

  it('puts every member alarm in exactly one area, and each area mails the topic on ALARM only', () => {
    const areas = [...composites()].filter(([name]) => name.startsWith('Area-'));
    expect(areas.map(([name]) => name).sort()).toEqual(areaNames.map((n) => `Area-${n}`).sort());
    const members = areas.flatMap(([, c]) => c.members);
    for (const name of alarms().keys())
      expect(
        members.filter((m) => m === name),
        name,
      ).toHaveLength(1);
    // An alarm of another construct either mails by itself or is a member of an area.
    for (const [name, a] of everyAlarm()) if (a.AlarmActions === undefined) expect(members, name).toContain(name);
    for (const [name, c] of areas) {
      expect(c.AlarmActions, name).toEqual([topic()]);
      expect(c.OKActions, name).toBeUndefined();
    }
    const area = (n: string) => composites().get(`Area-${n}`)!.members;
    expect(area('security')).toEqual(expect.arrayContaining(['WrongChannel-pps-inbound', 'WrongChannel-region-inbound']));
    expect(area('parties')).toEqual(PARTY_OUTBOUND_QUEUES.flatMap((q) => [`DeadLetters-${q.name}`, `OldestMessage-${q.name}`]).sort());
    expect(area('batch')).toEqual(
      expect.arrayContaining(['NoMonthlyFile', 'StuckPublishing', 'Errors-split-batch', 'Errors-batch-watch', 'TableThrottled-batches']),
    );
    expect(area('return-flows')).toEqual(
      expect.arrayContaining(['OldestMessage-inbound-vdab', 'OldestMessage-inbound-pps', 'DeadLetters-inbound-actiris']),
    );
    expect(area('operations')).toEqual(
      ['AlarmTopicFailed', ...OPERATOR_FUNCTIONS.flatMap((f) => [`Errors-${f.name}`, `Throttles-${f.name}`])].sort(),
    );
  });

  it('mails OK only where OK means recovered: Recovered-<area> over its state alarms, never a count alarm', () => {
    const recovered = [...composites()].filter(([name]) => name.startsWith('Recovered-'));
    expect(recovered.map(([name]) => name).sort()).toEqual(['Recovered-batch', 'Recovered-parties', 'Recovered-return-flows']);
    for (const [name, c] of recovered) {
      expect(c.OKActions, name).toEqual([topic()]);
      expect(c.AlarmActions, name).toBeUndefined();
      const area = composites().get(name.replace('Recovered-', 'Area-'))!;
      expect(c.members, name).toEqual(area.members.filter((m) => STATE_ALARMS.includes(m)));
      for (const m of c.members) expect(COUNT_ALARMS, `${name} ${m}`).not.toContain(m);
    }
    // Every OK the topic gets comes from a Recovered composite.
    const withOk = [...composites()].filter(([, c]) => c.OKActions !== undefined).map(([name]) => name);
    expect(withOk.sort()).toEqual(recovered.map(([name]) => name).sort());
  });

  it('names every alarm and area after the stateless stack, within the alarms the topic lets publish', () => {
    const topicPolicy = Object.values(resources(s.stateful, 'AWS::SNS::TopicPolicy'))[0]!;
    const allow = (topicPolicy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.find(
      (st) => st.Sid === 'CloudWatchAlarmsPublish',
    )!;
    const pattern = allow.Condition!.ArnLike!['aws:SourceArn'] as string;
    const allowedPrefix = pattern.slice(pattern.indexOf(':alarm:') + ':alarm:'.length, -1);
    const all = [
      ...Object.values(resources(s.stateless, 'AWS::CloudWatch::Alarm')),
      ...Object.values(resources(s.stateless, 'AWS::CloudWatch::CompositeAlarm')),
    ].map((a) => rendered(a.Properties.AlarmName));
    expect(new Set(all).size).toBe(all.length);
    for (const name of all) {
      expect(name.startsWith(allowedPrefix), name).toBe(true);
      expect(name.length).toBeLessThanOrEqual(255);
    }
  });

  const runbookSections = () =>
    new Set(
      headings(docSection(readDoc(RUNBOOK_PAGE), 'Runbook'))
        .filter((h) => h.level === 3)
        .map((h) => h.anchor),
    );

  it('says in every description what happened and where, ending with a runbook section that exists in docs/operators.md', () => {
    const sections = runbookSections();
    for (const anchor of [...Object.values(RUNBOOK), ...Object.values(TAMPER_RUNBOOK)]) expect(sections, anchor).toContain(anchor);
    // Every alarm of both stacks, the tamper rules' delivery alarms included.
    const described = [s.stateful, s.stateless].flatMap((t) => [
      ...Object.entries(resources(t, 'AWS::CloudWatch::Alarm')),
      ...Object.entries(resources(t, 'AWS::CloudWatch::CompositeAlarm')),
    ]);
    expect(described.filter(([id]) => id.startsWith('TamperAlarmTamperRuleFailed')).length).toBeGreaterThanOrEqual(2);
    expect(described.filter(([id]) => id.startsWith('TamperAlarmTamperDeadLetters'))).toHaveLength(2);
    for (const [id, a] of described) {
      const description = String(a.Properties.AlarmDescription);
      const named = /^(.{40,}?)\. Runbook: docs\/operators\.md#([a-z0-9-]+)$/s.exec(description);
      expect(named, `${id}: ${description}`).not.toBeNull();
      expect(sections, `${id}: "${named?.[2]}"`).toContain(named?.[2]);
      expect(description.length, id).toBeLessThanOrEqual(1024);
    }
  });

  it('ends every tamper mail with a runbook section that exists in docs/operators.md', () => {
    const sections = runbookSections();
    const rules = [s.stateful, s.stateless].flatMap((t) => Object.entries(resources(t, 'AWS::Events::Rule')));
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const [id, rule] of rules) {
      const targets = rule.Properties.Targets as { InputTransformer?: { InputTemplate: unknown } }[];
      for (const target of targets) {
        const template = target.InputTransformer?.InputTemplate;
        const mail = typeof template === 'string' ? template : JSON.stringify(template);
        // The mail's last words: `(docs/operators.md#<anchor>).`, inside the template's quotes.
        const named = /\(docs\/operators\.md#([a-z0-9-]+)\)\."?$/.exec(mail);
        expect(named, `${id}: ${mail}`).not.toBeNull();
        expect(sections, `${id}: "${named?.[1]}"`).toContain(named?.[1]);
      }
    }
  });

  it('takes alarms added to an area later, such as another construct’s security alarms', () => {
    const hub = buildHub(DEV, { context: { 'aws:cdk:bundling-stacks': [] } });
    // In the stateful stack, as the tamper alarms are: the area reads it across the stacks.
    const extra = new cloudwatch.Alarm(hub.stateful, 'ExtraSecurityAlarm', {
      metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Tampered' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    hub.stateless.monitoring.areas.addAlarms('security', extra);
    const template = Template.fromStack(hub.stateless);
    const security = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Resource>).find((c) =>
      JSON.stringify(c.Properties.AlarmName).includes('Area-security'),
    )!;
    expect(JSON.stringify(security.Properties.AlarmRule)).toContain(`Art60Hub-dev-Stateful:ExportsOutputFnGetAtt${logicalId(extra)}Arn`);
  });
});

describe('a batch traced end to end: saved Logs Insights queries', () => {
  it('saves "what happened to this file", "to this decision", "to this correction", each over the log groups of the functions that handle it', () => {
    const definitions = Object.values(resources(s.stateless, 'AWS::Logs::QueryDefinition')).map((d) => d.Properties);
    expect(definitions.map((d) => d.Name)).toEqual(LOG_QUERIES.map((q) => `art60-hub-${DEV.stageName}/${q.name}`));
    const logGroup = (k: FunctionKey) => ({ Ref: logicalId(s.hub.stateless.functions[k].logGroup) });
    expect(definitions.map((d) => d.LogGroupNames)).toEqual([
      [logGroup('splitBatch'), logGroup('operatorRedeliver'), logGroup('batchWatch')],
      [logGroup('regionInbound'), logGroup('ppsInbound')],
      [logGroup('regionInbound'), logGroup('ppsInbound')],
    ]);
    const [file, decision, correction] = definitions.map((d) => String(d.QueryString));
    expect(file).toContain('| filter key = "<monthly/YYYY-MM/name.csv>" or @message like "<batchId>"');
    expect(decision).toContain('| filter decisionId = "<decisionId>" or messageId = "<messageId>"');
    expect(correction).toContain('| filter correctionId = "<correctionId>" or messageId = "<messageId>"');
    for (const q of [file, decision, correction]) {
      expect(q).toMatch(
        /^fields @timestamp, @log, level, message, key, batchId, channel, messageType, messageId, decisionId, correctionId, sqsMessageId/,
      );
      expect(q).toContain('| sort @timestamp asc');
    }
  });
});

describe('a dashboard that shows a month', () => {
  type Widget = { type: string; properties: { title?: string; metrics?: unknown[][]; setPeriodToTimeRange?: boolean } };
  const body = () => {
    const dashboards = Object.values(resources(s.stateless, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const parts = (dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return parts.filter((p): p is string => typeof p === 'string').join('');
  };
  const widgets = () => (JSON.parse(body()) as { start: string; widgets: Widget[] }).widgets;
  const widget = (title: string) => widgets().find((w) => w.properties.title?.startsWith(title))!;
  const expressions = (w: Widget) => (w.properties.metrics ?? []).map((m) => (m[0] as { expression?: string }).expression).filter(Boolean);
  const named = (w: Widget) =>
    (w.properties.metrics ?? []).filter((m) => typeof m[0] === 'string').map((m) => m.filter((p) => typeof p === 'string'));

  it('shows 35 days, with no SEARCH anywhere', () => {
    expect(JSON.parse(body()).start).toBe('-P35D');
    expect(body()).not.toContain('SEARCH');
  });

  it('draws one line per recipient, each its own metric, zero-filled by day', () => {
    for (const [title, metric, id] of [
      ['Records delivered per recipient', METRIC.recordsDelivered, 'delivered'],
      ['Rows withheld per recipient', METRIC.rowsWithheld, 'withheld'],
    ] as const) {
      const w = widget(title);
      expect(expressions(w)).toEqual(RECIPIENTS.map((r) => `FILL(${id}_${r.toLowerCase()}, 0)`));
      expect(named(w)).toEqual(RECIPIENTS.map((r) => ['Art60Hub', metric, 'recipient', r, 'service', 'split-batch']));
    }
  });

  it('shows refused files as one number over the time range, 0 when none', () => {
    const w = widget('Refused files');
    expect(w.type).toBe('metric');
    expect(w.properties.setPeriodToTimeRange).toBe(true);
    expect(expressions(w)).toEqual(['FILL(refused, 0)']);
    expect(named(w)).toEqual([['Art60Hub', METRIC.batchesRefused, 'service', 'split-batch']]);
  });

  it('fills every business series with zeros, and names every series of refusals by channel and code', () => {
    for (const w of widgets().filter((w) => (w.properties.metrics ?? []).some((m) => m[0] === 'Art60Hub'))) {
      if (w.properties.title?.startsWith('Scheduled check')) continue; // maxima of a metric published every run
      for (const e of expressions(w)) expect(e, w.properties.title).toMatch(/^FILL\(/);
    }
    const perChannel = widget('Refused return messages per channel');
    expect(named(perChannel)).toHaveLength(3 * 9);
    expect(expressions(perChannel)).toHaveLength(3);
    expect(named(widget('Refused return messages per code'))).toHaveLength(9 * 2);
  });

  it('draws every business metric, the queues, functions and tables', () => {
    const drawn = new Set(widgets().flatMap((w) => named(w).map((m) => `${m[0]}/${m[1]}`)));
    for (const m of Object.values(METRIC)) expect(drawn, m).toContain(`Art60Hub/${m}`);
    for (const m of [
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/SQS/ApproximateAgeOfOldestMessage',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Throttles',
      'AWS/Lambda/Duration',
      'AWS/DynamoDB/ReadThrottleEvents',
      'AWS/DynamoDB/WriteThrottleEvents',
    ])
      expect(drawn).toContain(m);
    const areas = widget('Areas');
    expect((areas.properties as { alarms: unknown[] }).alarms).toHaveLength(Object.keys(AREAS).length + 3);
  });
});

describe('the alarm topic reaches people two ways', () => {
  it('e-mails the configured address and posts to the configured HTTPS endpoint, retrying for about 50 minutes', () => {
    const subscriptions = Object.values(resources(s.stateful, 'AWS::SNS::Subscription')).map((r) => r.Properties);
    expect(subscriptions.map((p) => [p.Protocol, p.Endpoint])).toEqual([
      ['email', DEV.alarmEmail],
      ['https', DEV.alarmHttpsEndpoint],
    ]);
    const retry = (subscriptions[1]!.DeliveryPolicy as { healthyRetryPolicy: Record<string, number> }).healthyRetryPolicy;
    expect(retry).toMatchObject({ numRetries: 23, minDelayTarget: 20, maxDelayTarget: 300, backoffFunction: 'EXPONENTIAL' });
    const r = HTTPS_ALARM_DELIVERY.healthyRetryPolicy!;
    expect((r.numNoDelayRetries ?? 0) + (r.numMinDelayRetries ?? 0) + (r.numMaxDelayRetries ?? 0)).toBeLessThanOrEqual(r.numRetries ?? 0);
  });
});
