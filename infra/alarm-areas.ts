import { Lazy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type AlarmArea, type HubAlarm, RUNBOOK, RUNBOOK_PAGE } from './alarms';
import { nameAfterStack } from './naming';

/**
 * The composite alarms that mail the operators: one per area of the hub, over its member alarms
 * (infra/alarms.ts), which send nothing themselves. An incident that sets off several members of
 * an area sends one mail, when the area goes into ALARM; the area returns to OK only when every
 * member has. A second composite per area, over its `state` members only, mails when those are
 * over (`Recovered-<area>`): the OK of a DLQ emptied or a file arrived means recovered, the OK of
 * a count going quiet does not, and is not sent.
 */

/** Each area's name (in its alarms' names) and what it covers, as its mail says. */
export const AREAS: Readonly<Record<AlarmArea, { readonly name: string; readonly covers: string }>> = {
  batch: {
    name: 'batch',
    covers:
      'The monthly batch files (their notifications, split-batch, the scheduled check batch-watch, the batches, payment-lines and disclosures tables)',
  },
  returnFlows: {
    name: 'return-flows',
    covers: "The return messages (the hub's inbound queues, region-inbound, pps-inbound, the corrections and refused-messages tables)",
  },
  parties: { name: 'parties', covers: "The parties' outbound queues (a party that stopped polling, or messages dead-lettered there)" },
  security: { name: 'security', covers: 'Security (a party speaking for another: WRONG_CHANNEL; and the alarms added to this area)' },
  operations: { name: 'operations', covers: 'The operator tools and the alarm topic itself' },
};

/** Any of `alarms`, read when the template is written: alarms added after the composite count too. */
function anyOf(alarms: readonly cloudwatch.IAlarm[], area: string): cloudwatch.IAlarmRule {
  return {
    renderAlarmRule: () =>
      Lazy.string({
        produce: () => {
          if (alarms.length === 0) throw new Error(`The ${area} area has no member alarm`);
          return cloudwatch.AlarmRule.anyOf(...alarms).renderAlarmRule();
        },
      }),
  };
}

export interface AlarmAreasProps {
  /** The member alarms, each with its area and kind. */
  readonly members: readonly HubAlarm[];
  /** The topic the areas' mails go to (the stateful stack's alarm topic). */
  readonly topic: sns.ITopic;
}

export class AlarmAreas extends Construct {
  /** The composite that mails when an area goes into ALARM. */
  readonly areas: Readonly<Record<AlarmArea, cloudwatch.CompositeAlarm>>;
  /** The composite that mails when an area's lasting conditions are over; for the areas that have any. */
  readonly recovered: Readonly<Partial<Record<AlarmArea, cloudwatch.CompositeAlarm>>>;
  private readonly members: Record<AlarmArea, cloudwatch.IAlarm[]>;

  constructor(scope: Construct, id: string, props: AlarmAreasProps) {
    super(scope, id);
    const action = new actions.SnsAction(props.topic);
    const keys = Object.keys(AREAS) as AlarmArea[];
    const of = (area: AlarmArea, kind?: HubAlarm['kind']): cloudwatch.IAlarm[] =>
      props.members.filter((m) => m.area === area && (kind === undefined || m.kind === kind)).map((m) => m.alarm);
    this.members = Object.fromEntries(keys.map((area) => [area, of(area)])) as Record<AlarmArea, cloudwatch.IAlarm[]>;
    const describe = (text: string) => `${text}. Runbook: ${RUNBOOK_PAGE}#${RUNBOOK.areas}`;

    const areas: Partial<Record<AlarmArea, cloudwatch.CompositeAlarm>> = {};
    const recovered: Partial<Record<AlarmArea, cloudwatch.CompositeAlarm>> = {};
    for (const area of keys) {
      const { name, covers } = AREAS[area];
      const composite = new cloudwatch.CompositeAlarm(scope, `Area-${name}`, {
        compositeAlarmName: nameAfterStack(`Area-${name}`),
        alarmDescription: describe(
          `${covers}: an alarm of this area fired. Its members in ALARM (CloudWatch console, this alarm's rule) each say what happened, where, and which runbook section to follow; no other mail comes for this area until all of them are OK again`,
        ),
        alarmRule: anyOf(this.members[area], name),
      });
      composite.addAlarmAction(action);
      areas[area] = composite;
      const lasting = of(area, 'state');
      if (lasting.length === 0) continue;
      const over = new cloudwatch.CompositeAlarm(scope, `Recovered-${name}`, {
        compositeAlarmName: nameAfterStack(`Recovered-${name}`),
        alarmDescription: describe(
          `${covers}: every lasting condition of this area is over (no dead letter waiting, no message too old, no month without its file, no batch stuck publishing). Counts (errors, refusals, throttles) are not in it: they say nothing when they stop`,
        ),
        alarmRule: anyOf(lasting, `${name} (recovered)`),
      });
      over.addOkAction(action);
      recovered[area] = over;
    }
    this.areas = areas as Record<AlarmArea, cloudwatch.CompositeAlarm>;
    this.recovered = recovered;
  }

  /**
   * Adds alarms to an area, e.g. the security alarms of another construct: each must have no
   * action of its own (the area mails), and counts as a `count` member (its OK is not sent).
   */
  addAlarms(area: AlarmArea, ...alarms: cloudwatch.IAlarm[]): void {
    this.members[area].push(...alarms);
  }

  /** Every member of every area, as the composites read them. */
  get memberAlarms(): readonly cloudwatch.IAlarm[] {
    return Object.values(this.members).flat();
  }
}
