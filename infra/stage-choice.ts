import { type Environment, readConfig, text } from '../shared/configuration/read-config';
import { STAGES, type StageConfig, stageConfigProblems } from './config';
import { PROD_STAGE, prodConfig, prodSettingsFromEnv } from './prod-stage';
import { SANDBOX_STAGE, sandboxConfigFromEnv } from './sandbox-stage';

/**
 * Which stage a synthesis builds, and its configuration, validated (infra/config.ts): from the
 * `stage` context or the STAGE variable, never by default.
 */

/** How a stage is chosen, for the error messages. */
const HOW_TO_CHOOSE =
  '`-c stage=<name>` (`npm run synth -- -c stage=<name>`, `npm run deploy -- -c stage=<name>`) or the STAGE environment variable';

/**
 * The stage's name, from one place: the `stage` context (`-c stage=<name>`) or the `STAGE`
 * environment variable. There is no default, and when both are given they must agree: a forgotten
 * `-c` or a stale `STAGE` fails the synthesis instead of building another stage.
 */
export function chooseStage(stageFromContext: unknown, env?: Environment): string {
  const fromContext = typeof stageFromContext === 'string' && stageFromContext !== '' ? stageFromContext : undefined;
  const fromEnv = readConfig({ STAGE: text().optional() }, env).STAGE;
  if (fromContext !== undefined && fromEnv !== undefined && fromContext !== fromEnv)
    throw new Error(`Two stages given: "${fromContext}" by -c stage and "${fromEnv}" by STAGE; give one, with ${HOW_TO_CHOOSE}`);
  const name = fromContext ?? fromEnv;
  if (name === undefined) throw new Error(`No stage given; choose one with ${HOW_TO_CHOOSE}`);
  return name;
}

/** The configuration of a stage, validated; the stage as {@link chooseStage} finds it. */
export function resolveStageConfig(stageFromContext: unknown, env?: Environment): StageConfig {
  const name = chooseStage(stageFromContext, env);
  const config =
    name === SANDBOX_STAGE ? sandboxConfigFromEnv(env) : name === PROD_STAGE ? prodConfig(prodSettingsFromEnv(env)) : STAGES[name];
  if (config === undefined)
    throw new Error(`Unknown stage "${name}"; known stages: ${[...Object.keys(STAGES), SANDBOX_STAGE, PROD_STAGE].join(', ')}`);
  const problems = stageConfigProblems(config);
  if (problems.length > 0) throw new Error(`Stage "${name}" is misconfigured: ${problems.join('; ')}`);
  return config;
}

/**
 * `-c stage=<name>` (or `--context stage=<name>`, `--context=stage=<name>`) among the arguments of
 * an app run directly (`npm run synth`, whose own `-c stage=dev` a later `-- -c stage=prod`
 * overrides, as the CDK CLI lets a later `-c` win); undefined when there is none.
 */
export function stageFromArgs(argv: readonly string[]): string | undefined {
  let stage: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if ((arg === '-c' || arg === '--context') && next?.startsWith('stage=')) stage = next.slice('stage='.length);
    else if (arg?.startsWith('--context=stage=')) stage = arg.slice('--context=stage='.length);
  }
  return stage;
}
