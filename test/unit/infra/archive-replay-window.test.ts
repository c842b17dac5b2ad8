import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS } from '../../../infra/constants';
import { archiveLifecycleRules } from '../../../infra/stateful/buckets';
import { archiveMaximumLifetimeDays, RETENTION_BOUNDS } from '../../../shared/domain/retention';
import { DEV, logicalId, type Resource, removeOutdir, resources, type Synthesized, synthesizeHub } from './helpers';

/**
 * The archive is a replay window under S3 Object Lock (return-flows §5), proven on the template:
 * the stand-in (fauxqs) plays neither Object Lock nor lifecycle rules. What S3 does with these
 * properties is AWS's, cited in docs/design.md ("The archive: a replay window under Object Lock").
 */

const OTHER_WINDOW = 120;
let dev: Synthesized;
let other: Synthesized;
beforeAll(() => {
  dev = synthesizeHub();
  other = synthesizeHub({ config: { ...DEV, replayWindowDays: OTHER_WINDOW } });
});
afterAll(() => {
  removeOutdir(dev);
  removeOutdir(other);
});

const archiveOf = (s: Synthesized): Resource => resources(s.stateful, 'AWS::S3::Bucket')[logicalId(s.hub.stateful.buckets.archive)]!;
const lifecycleOf = (s: Synthesized) =>
  (archiveOf(s).Properties.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules.filter(
    (rule) => rule.Id !== 'abort-incomplete-multipart-uploads',
  );

describe('the archive under Object Lock, for the replay window', () => {
  it.each([
    ['dev', () => dev, 400],
    ['a stage with a 120-day window', () => other, OTHER_WINDOW],
  ])('%s: Object Lock enabled, COMPLIANCE for the window in days, versioned as Object Lock requires', (_stage, synthesized, days) => {
    const archive = archiveOf(synthesized());
    expect(archive.Properties.ObjectLockEnabled).toBe(true);
    expect(archive.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: days } },
    });
    expect(archive.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(archive.DeletionPolicy).toBe('Retain');
  });

  it('locks no other bucket', () => {
    const archiveId = logicalId(dev.hub.stateful.buckets.archive);
    for (const [id, bucket] of Object.entries(resources(dev.stateful, 'AWS::S3::Bucket'))) {
      if (id === archiveId) continue;
      expect(bucket.Properties.ObjectLockEnabled, id).toBeUndefined();
      expect(bucket.Properties.ObjectLockConfiguration, id).toBeUndefined();
    }
  });
});

describe('the archive destroyed by its lifecycle alone, after the window', () => {
  it('dev: expires current versions at 400 days, noncurrent versions 1 day after, removes expired delete markers', () => {
    expect(lifecycleOf(dev)).toEqual([
      {
        Id: 'expire-after-replay-window',
        Status: 'Enabled',
        ExpirationInDays: 400,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS }],
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
  });

  it('another window: the expiration follows it, and a window too short for Glacier IR’s 90-day minimum keeps Standard', () => {
    expect(lifecycleOf(other)).toEqual([
      {
        Id: 'expire-after-replay-window',
        Status: 'Enabled',
        ExpirationInDays: OTHER_WINDOW,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
  });

  it('moves to Glacier IR only from a 180-day window on, so that no object leaves it before its 90 days', () => {
    const transitions = (days: number) => archiveLifecycleRules(days)[0]?.transitions ?? [];
    expect(transitions(179)).toEqual([]);
    expect(transitions(180)).toHaveLength(1);
    expect(transitions(RETENTION_BOUNDS.replayWindowDays.min)).toEqual([]);
    expect(transitions(RETENTION_BOUNDS.replayWindowDays.max)).toHaveLength(1);
  });

  it('locks each object exactly as long as it is kept before its expiration: the lock ends before the lifecycle acts', () => {
    for (const s of [dev, other]) {
      const archive = archiveOf(s);
      const lockDays = (archive.Properties.ObjectLockConfiguration as { Rule: { DefaultRetention: { Days: number } } }).Rule
        .DefaultRetention.Days;
      const [expire] = lifecycleOf(s);
      // S3 rounds the expiration up to midnight UTC: the delete marker comes at or after the lock's end,
      // and the noncurrent version is deleted once unlocked. Both steps, rounded, are the table's days.
      expect(expire?.ExpirationInDays).toBe(lockDays);
      expect(archiveMaximumLifetimeDays(lockDays)).toBe(lockDays + 3);
    }
  });
});
