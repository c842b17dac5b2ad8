/**
 * An operator moves a party's inbound dead letters back through the inbound use case of that
 * party's channel (return-flows §1): the sender is the channel whose DLQ held the message. It
 * reads and deletes the DLQ only, and never sends on a party's inbound queue.
 *
 *   npm run reprocess-dead-letters -- --channel VDAB|ACTIRIS|PPS [--limit N] [--json]
 *
 * Reads the same environment variables as the operator-reprocess-dead-letters function (the three
 * inbound DLQs' URLs QUEUE_URL_INBOUND_*_DLQ, the payment-lines, corrections and refused-messages
 * tables, the outbound queues' URLs, RECIPIENT_KBOS, the disclosure key) and reaches AWS (or the
 * local stand-in) with the usual AWS settings. In AWS, prefer the function: the operator role may
 * invoke it, and holds none of these rights itself. Writes an audit line on stderr.
 */
import { checkedAsUsage, oneOf, parseCommandLine, required, runCommand, UsageError, wholeNumberFlag } from './lib/cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: npm run reprocess-dead-letters -- --channel VDAB|ACTIRIS|PPS [--limit N] [--json]';

async function main(): Promise<undefined> {
  const { values } = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    options: { channel: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  // Imported only now: a wrong command line needs none of them.
  const { DEAD_LETTER_CHANNELS, DEFAULT_REPROCESS_LIMIT, MAX_REPROCESS_LIMIT, deadLetterChannelOf, reprocessDeadLettersTool } =
    await import('../shared/domain/operations/reprocess-dead-letters');
  const channel = checkedAsUsage(() => deadLetterChannelOf(required('channel', oneOf('channel', values.channel, DEAD_LETTER_CHANNELS))));
  const limit = wholeNumberFlag('limit', values.limit, DEFAULT_REPROCESS_LIMIT);
  if (limit > MAX_REPROCESS_LIMIT) throw new UsageError(`--limit is at most ${MAX_REPROCESS_LIMIT}`);
  const { readFunctionConfig } = await import('../shared/configuration/function-config');
  const { reprocessDeadLettersDependencies } = await import('../shared/adapters/return-flow-dependencies');
  const { FUNCTIONS } = await import('../shared/topology');
  const { runOperatorTool } = await import('./lib/operator-cli');
  const deps = reprocessDeadLettersDependencies(
    readFunctionConfig(FUNCTIONS.operatorReprocessDeadLetters),
    () => undefined,
    (failed, sqsMessageId, error) =>
      void process.stderr.write(`${failed} ${sqsMessageId}: ${error instanceof Error ? error.message : String(error)} (left in the DLQ)\n`),
  );
  await runOperatorTool(reprocessDeadLettersTool(deps), { channel, limit }, values.json ?? false);
  return undefined;
}

process.exitCode = await runCommand(USAGE, main);
