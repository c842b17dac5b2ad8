/**
 * An operator reprocesses a monthly file the PPS wrote, as its S3 notification would (the batch use
 * case for the existing object), without writing anything in the inbound bucket.
 *
 *   npm run renotify-file -- --key monthly/<YYYY-MM>/<name> [--json]
 *
 * Reads the same environment variables as split-batch and the operator-renotify-file function
 * (BUCKET_*, TABLE_BATCHES, TABLE_PAYMENT_LINES, TABLE_DISCLOSURES, QUEUE_URL_OUTBOUND_*, the
 * disclosure key) and reaches AWS (or the local stand-in) with the usual AWS settings. In AWS,
 * prefer the function: the operator role may invoke it, and holds none of these rights itself.
 * Writes an audit line on stderr.
 */
import { checkedAsUsage, parseCommandLine, required, runCommand } from './lib/cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: npm run renotify-file -- --key monthly/<YYYY-MM>/<name> [--json]';

async function main(): Promise<undefined> {
  const { values } = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    options: { key: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  // Imported only now: a wrong command line needs none of them.
  const { inboundKeyOf, renotifyFileTool } = await import('../shared/domain/operations/renotify-file');
  const key = checkedAsUsage(() => inboundKeyOf(required('key', values.key)));
  const { readFunctionConfig } = await import('../shared/configuration/function-config');
  const { renotifyFileDependencies } = await import('../shared/adapters/batch-dependencies');
  const { FUNCTIONS } = await import('../shared/topology');
  const { runOperatorTool } = await import('./lib/operator-cli');
  const deps = renotifyFileDependencies(readFunctionConfig(FUNCTIONS.operatorRenotifyFile), () => undefined);
  await runOperatorTool(renotifyFileTool(deps), { key }, values.json ?? false);
  return undefined;
}

process.exitCode = await runCommand(USAGE, main);
