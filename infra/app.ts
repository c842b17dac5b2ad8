import { readConfig, text } from '../shared/configuration/read-config';
import type { StageConfig } from './config';
import { buildHubInto, createApp } from './hub';
import { resolveStageConfig, stageFromArgs } from './stage-choice';

/**
 * The CDK app: `npm run synth` (dev; `npm run synth -- -c stage=<name>` for another stage) or
 * `npm run cdk -- synth -c stage=<name>` writes the cloud assembly to cdk.out, offline: functions
 * are bundled with the local esbuild, no Docker, no AWS call. The stage has no default
 * (`chooseStage` in stage-choice.ts). A stage that cannot be built (none chosen, a value missing
 * or made up) ends the run with its one-line reason, and no stack trace.
 */

// The CDK CLI names its own output directory; run directly (npm run synth), the app writes cdk.out.
const { CDK_OUTDIR: cliOutdir } = readConfig({ CDK_OUTDIR: text().optional() });
const app = createApp(cliOutdir ? {} : { outdir: 'cdk.out' });
let config: StageConfig;
try {
  config = resolveStageConfig(app.node.tryGetContext('stage') ?? stageFromArgs(process.argv));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
buildHubInto(app, config);
app.synth();
