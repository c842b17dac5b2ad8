import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_FLAGS, PROJECT_ROOT } from '../../../infra/hub';

/** The flags `cdk init` writes for the installed aws-cdk-lib. */
const RECOMMENDED: Record<string, unknown> = createRequire(import.meta.url)('aws-cdk-lib/recommended-feature-flags.json');

/** The flags kept at their previous value, each with its reason in README.md ("Feature flags"). */
const KEPT = {
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  '@aws-cdk/aws-iam:minimizePolicies': false,
};

describe('feature flags (cdk.json)', () => {
  it('sets every flag cdk init writes for this aws-cdk-lib, at its recommended value but for the kept ones, and nothing else (no stage)', () => {
    expect(FEATURE_FLAGS).toEqual({ ...RECOMMENDED, ...KEPT });
  });

  it('names each kept flag in the README, with its reason', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const name of Object.keys(KEPT)) expect(readme).toContain(`\`${name}\``);
  });
});
