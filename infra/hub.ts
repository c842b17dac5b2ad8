import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, Tags } from 'aws-cdk-lib';
import type { StageConfig } from './config';
import { acknowledgeFindings, addNagPacks } from './nag';
import { hubStackPrefix } from './naming';
import { SandboxPartiesStack } from './sandbox-parties';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

/** The project's root, from this file's place (infra/). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The feature flags: `cdk.json`'s `context`, the flags `cdk init` writes for this aws-cdk-lib
 * (`aws-cdk-lib/recommended-feature-flags.json`). Read here too, not only by the CLI, so that
 * `npm run synth`, the CDK CLI and the tests synthesize the same template.
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

export interface Hub {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  /** The sandbox's party roles (`Art60Hub-sandbox-Parties`); only in a stage with `partyRoles: 'sandbox-roles'`. */
  readonly sandboxParties?: SandboxPartiesStack;
}

/**
 * The whole hub for one stage: the stateful stack, the stateless stack on top of it, in the
 * sandbox the roles that play the parties, and the cdk-nag AwsSolutions and Serverless checks
 * (synthesis fails on any unacknowledged finding).
 */
export function buildHub(config: StageConfig, appProps: AppProps = {}): Hub {
  return buildHubInto(createApp(appProps), config);
}

/** An App with the hub's feature flags. */
export function createApp(appProps: AppProps = {}): App {
  return new App({ ...appProps, context: { ...FEATURE_FLAGS, ...appProps.context } });
}

/** Adds the hub's stacks for `config` to `app`. */
export function buildHubInto(app: App, config: StageConfig): Hub {
  const env = { account: config.account, region: config.region };
  const prefix = hubStackPrefix(config.stageName);
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    config,
    description: 'art. 60 §7 exchange hub: keys, buckets, queues, tables (stateful)',
    terminationProtection: true,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    stateful,
    projectRoot: PROJECT_ROOT,
    description: 'art. 60 §7 exchange hub: functions, triggers, dashboard, alarms (stateless)',
  });
  // The parties need not exist when the hub deploys (party-access.ts), but a smoke run needs both.
  const sandboxParties =
    config.partyRoles === 'sandbox-roles'
      ? new SandboxPartiesStack(app, `${prefix}-Parties`, {
          env,
          config,
          description: 'art. 60 §7 exchange hub, sandbox only: roles that play the PPS, VDAB, Actiris and FOREM',
        })
      : undefined;
  // The operator role's trust policy names the sandbox's operator, which must exist first.
  if (sandboxParties) stateful.addDependency(sandboxParties);
  Tags.of(app).add('project', 'art60-exchange-hub');
  Tags.of(app).add('stage', config.stageName);
  addNagPacks(app);
  acknowledgeFindings(stateful);
  return { app, stateful, stateless, ...(sandboxParties ? { sandboxParties } : {}) };
}
