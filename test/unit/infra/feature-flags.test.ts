import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FEATURE_FLAGS } from '../../../infra/hub';
import { docSection, readDoc } from '../../support/docs';

/** The flags `cdk init` writes for the installed aws-cdk-lib. */
const RECOMMENDED: Record<string, unknown> = createRequire(import.meta.url)('aws-cdk-lib/recommended-feature-flags.json');

/** The flags kept at their previous value, each with its reason in docs/deployers.md ("Feature flags"). */
const KEPT = {
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  '@aws-cdk/aws-iam:minimizePolicies': false,
};

describe('feature flags (cdk.json)', () => {
  it('sets every flag cdk init writes for this aws-cdk-lib, at its recommended value but for the kept ones, and nothing else (no stage)', () => {
    expect(FEATURE_FLAGS).toEqual({ ...RECOMMENDED, ...KEPT });
  });

  it("names each kept flag in the deployers' page, under Feature flags, with its reason", () => {
    const section = docSection(readDoc('docs/deployers.md'), 'Feature flags');
    for (const name of Object.keys(KEPT)) expect(section).toContain(`\`${name}\``);
  });
});
