import { describe, expect, it } from 'vitest';
import {
  findManagementTrail,
  managementGap,
  type TrailReader,
  type TrailSummary,
  WATCHED_EVENT_SOURCES,
} from '../../../scripts/lib/smoke/trail-check';

/** The smoke test's check that a trail logs the management events the tamper alarms need, on a played CloudTrail. */

const REGION = 'eu-west-1';
const trail = (name: string, overrides: Partial<TrailSummary> = {}): TrailSummary => ({
  name,
  trailArn: `arn:aws:cloudtrail:${REGION}:111111111111:trail/${name}`,
  homeRegion: REGION,
  isMultiRegionTrail: false,
  ...overrides,
});

function reader(trails: Array<TrailSummary & { selectors: Parameters<typeof managementGap>[0]; logging: boolean }>): TrailReader {
  const byArn = new Map(trails.map((t) => [t.trailArn, t]));
  return {
    describeTrails: async () => trails,
    eventSelectors: async (arn) => byArn.get(arn)!.selectors,
    isLogging: async (arn) => byArn.get(arn)!.logging,
  };
}

const ALL = { basic: [{ readWriteType: 'All', includeManagementEvents: true }] };

describe('findManagementTrail', () => {
  it('finds a logging trail of the Region, or a multi-Region one from another home Region, that keeps write management events', async () => {
    expect((await findManagementTrail(reader([{ ...trail('here'), selectors: ALL, logging: true }]), REGION)).name).toBe('here');
    const org = {
      ...trail('org', { homeRegion: 'us-east-1', isMultiRegionTrail: true }),
      selectors: { basic: [{ readWriteType: 'WriteOnly', includeManagementEvents: true }] },
      logging: true,
    };
    expect((await findManagementTrail(reader([org]), REGION)).name).toBe('org');
  });

  it('fails when no trail applies to the Region: a single-Region trail elsewhere does not count', async () => {
    const elsewhere = { ...trail('elsewhere', { homeRegion: 'us-east-1' }), selectors: ALL, logging: true };
    await expect(findManagementTrail(reader([elsewhere]), REGION)).rejects.toThrow(`no CloudTrail trail applies to ${REGION}`);
  });

  it('names each trail and why it does not serve: not logging, no management events, read-only, KMS left out', async () => {
    const trails = [
      { ...trail('stopped'), selectors: ALL, logging: false },
      { ...trail('data-only'), selectors: { basic: [{ readWriteType: 'All', includeManagementEvents: false }] }, logging: true },
      { ...trail('reads'), selectors: { basic: [{ readWriteType: 'ReadOnly', includeManagementEvents: true }] }, logging: true },
      {
        ...trail('cheap'),
        selectors: {
          basic: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] }],
        },
        logging: true,
      },
    ];
    await expect(findManagementTrail(reader(trails), REGION)).rejects.toThrow(
      `no trail logs ${REGION}'s management events for the tamper alarms (stopped: it is not logging; ` +
        'data-only: it does not include management events; reads: it logs read-only management events only; ' +
        'cheap: it excludes the management events of kms.amazonaws.com)',
    );
  });
});

describe('advanced event selectors', () => {
  const management = (...extra: Array<{ field: string; equals?: string[]; notEquals?: string[] }>) => ({
    advanced: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, ...extra] }],
  });

  it('serve when one selector keeps every write management event of the watched services', () => {
    expect(managementGap(management())).toBeUndefined();
    expect(managementGap(management({ field: 'readOnly', equals: ['false'] }))).toBeUndefined();
    expect(managementGap(management({ field: 'eventSource', notEquals: ['rdsdata.amazonaws.com'] }))).toBeUndefined();
    expect(managementGap(management({ field: 'eventSource', equals: [...WATCHED_EVENT_SOURCES] }))).toBeUndefined();
  });

  it('do not when they keep reads only, leave out a watched service, or log data events only', () => {
    expect(managementGap(management({ field: 'readOnly', equals: ['true'] }))).toBe('it logs read-only management events only');
    expect(managementGap(management({ field: 'eventSource', notEquals: ['kms.amazonaws.com', 'sts.amazonaws.com'] }))).toBe(
      'it leaves out the management events of kms.amazonaws.com, sts.amazonaws.com',
    );
    expect(managementGap(management({ field: 'eventSource', equals: ['s3.amazonaws.com'] }))).toContain('lambda.amazonaws.com');
    expect(managementGap({ advanced: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }] }] })).toBe(
      'it has no selector of management events',
    );
    expect(managementGap({ basic: [] })).toBe('it has no event selector');
  });
});

describe('the CloudTrail reader', () => {
  it('fails its first call with the command that installs the SDK client, while the package is not installed', async () => {
    const { cloudTrailReader, CLOUDTRAIL_PACKAGE, CLOUDTRAIL_PACKAGE_VERSION } = await import(
      '../../../scripts/lib/smoke/cloudtrail-reader'
    );
    let installed = true;
    try {
      await import(/* @vite-ignore */ CLOUDTRAIL_PACKAGE);
    } catch {
      installed = false;
    }
    if (installed) return;
    await expect(cloudTrailReader().describeTrails()).rejects.toThrow(
      `${CLOUDTRAIL_PACKAGE} is not installed: npm install --save-dev --save-exact ${CLOUDTRAIL_PACKAGE}@${CLOUDTRAIL_PACKAGE_VERSION}`,
    );
  });
});
