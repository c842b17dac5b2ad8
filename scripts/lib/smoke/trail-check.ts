/**
 * The tamper alarms (infra/constructs/tamper-alarm.ts) see what CloudTrail records: a trail must log
 * the management events (write calls at least) of the hub's region, of every service the rules
 * watch, and be logging. The smoke test checks it through this port, which the CloudTrail SDK
 * implements (scripts/lib/smoke/cloudtrail-reader.ts) and the tests play.
 */

/** A trail as DescribeTrails lists it (shadow trails included: a multi-Region or organization trail of another home Region). */
export interface TrailSummary {
  readonly name: string;
  readonly trailArn: string;
  readonly homeRegion: string;
  readonly isMultiRegionTrail: boolean;
  readonly isOrganizationTrail?: boolean;
}

/** A trail's event selectors as GetEventSelectors answers: basic or advanced, never both. */
export interface TrailSelectors {
  readonly basic?: ReadonlyArray<{
    readonly readWriteType?: string;
    readonly includeManagementEvents?: boolean;
    readonly excludeManagementEventSources?: readonly string[];
  }>;
  readonly advanced?: ReadonlyArray<{
    readonly fieldSelectors: ReadonlyArray<{
      readonly field: string;
      readonly equals?: readonly string[];
      readonly notEquals?: readonly string[];
    }>;
  }>;
}

/** What the check reads of CloudTrail: DescribeTrails, GetEventSelectors, GetTrailStatus. */
export interface TrailReader {
  describeTrails(): Promise<readonly TrailSummary[]>;
  eventSelectors(trailArn: string): Promise<TrailSelectors>;
  isLogging(trailArn: string): Promise<boolean>;
}

/** The services whose management events the tamper rules watch. */
export const WATCHED_EVENT_SOURCES = [
  's3.amazonaws.com',
  'kms.amazonaws.com',
  'dynamodb.amazonaws.com',
  'sqs.amazonaws.com',
  'sns.amazonaws.com',
  'sts.amazonaws.com',
  'events.amazonaws.com',
  'lambda.amazonaws.com',
];

/** Why a trail does not serve the tamper rules, or `undefined` when one of its selectors does. */
export function managementGap(selectors: TrailSelectors): string | undefined {
  const gaps = selectors.advanced !== undefined ? selectors.advanced.map(advancedGap) : (selectors.basic ?? []).map(basicGap);
  return gaps.includes(undefined) ? undefined : (gaps[0] ?? 'it has no event selector');
}

function basicGap(selector: NonNullable<TrailSelectors['basic']>[number]): string | undefined {
  if (selector.includeManagementEvents !== true) return 'it does not include management events';
  if (selector.readWriteType === 'ReadOnly') return 'it logs read-only management events only';
  const excluded = WATCHED_EVENT_SOURCES.filter((source) => selector.excludeManagementEventSources?.includes(source));
  return excluded.length > 0 ? `it excludes the management events of ${excluded.join(', ')}` : undefined;
}

function advancedGap(selector: NonNullable<TrailSelectors['advanced']>[number]): string | undefined {
  const field = (name: string) => selector.fieldSelectors.find((f) => f.field === name);
  if (field('eventCategory')?.equals?.includes('Management') !== true) return 'it has no selector of management events';
  if (field('readOnly')?.equals?.includes('true') === true) return 'it logs read-only management events only';
  const source = field('eventSource');
  const excluded = WATCHED_EVENT_SOURCES.filter(
    (s) => source?.notEquals?.includes(s) === true || (source?.equals !== undefined && !source.equals.includes(s)),
  );
  return excluded.length > 0 ? `it leaves out the management events of ${excluded.join(', ')}` : undefined;
}

/**
 * The trail that logs the management events the tamper rules need in `region`: one that applies
 * there (its home Region, or a multi-Region one), is logging, and whose selectors keep every write
 * management call of the watched services.
 * @throws Error naming each trail and why it does not serve, or that there is none
 */
export async function findManagementTrail(reader: TrailReader, region: string): Promise<TrailSummary> {
  const trails = (await reader.describeTrails()).filter((t) => t.isMultiRegionTrail || t.homeRegion === region);
  if (trails.length === 0) throw new Error(`no CloudTrail trail applies to ${region}: the tamper alarms receive nothing`);
  const reasons: string[] = [];
  for (const trail of trails) {
    const gap = managementGap(await reader.eventSelectors(trail.trailArn));
    if (gap !== undefined) {
      reasons.push(`${trail.name}: ${gap}`);
      continue;
    }
    if (!(await reader.isLogging(trail.trailArn))) {
      reasons.push(`${trail.name}: it is not logging`);
      continue;
    }
    return trail;
  }
  throw new Error(`no trail logs ${region}'s management events for the tamper alarms (${reasons.join('; ')})`);
}
