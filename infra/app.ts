import { readConfig, text } from '../shared/configuration/read-config';
import { resolveStageConfig } from './config';
import { buildHubInto, createApp } from './hub';

/**
 * The CDK app: `npm run synth` (or `cdk synth -c stage=<name>`) writes the cloud assembly to
 * cdk.out, offline: functions are bundled with the local esbuild, no Docker, no AWS call.
 */

// The CDK CLI names its own output directory; run directly (npm run synth), the app writes cdk.out.
const { CDK_OUTDIR: cliOutdir } = readConfig({ CDK_OUTDIR: text().optional() });
const app = createApp(cliOutdir ? {} : { outdir: 'cdk.out' });
const config = resolveStageConfig(app.node.tryGetContext('stage') ?? contextArg(process.argv));
buildHubInto(app, config);
app.synth();

/** `-c stage=<name>` when the app is run directly (`npm run synth -- -c stage=prod`). */
function contextArg(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if ((arg === '-c' || arg === '--context') && next?.startsWith('stage=')) return next.slice('stage='.length);
    if (arg?.startsWith('--context=stage=')) return arg.slice('--context=stage='.length);
  }
  return undefined;
}
