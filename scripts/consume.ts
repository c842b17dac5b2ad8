/**
 * `npm run consume -- --recipient VDAB --out <dir>`: the reference consumer of a region
 * (docs/region.md) or, with `--recipient PPS`, of the PPS (docs/pps.md). Polls the party's
 * outbound queue with the standard AWS settings (the lines `npm run local` prints, or a real
 * account): a region's whole batches are written as `<dir>/<period>/<batchId>.ndjson`; the PPS's
 * `batch.outcome`s, decisions and corrections (`outbound-pps`) and the approved corrections
 * (`outbound-ocmw`) are printed and kept in `<dir>/answers.ndjson`. What fails is kept aside in
 * `<dir>/rejected/`. With `--send <file>` it first sends the region's validation decisions and
 * correction requests, or the PPS's correction decisions. Built on the published contract only:
 * the AWS SDK and `schemas/*.schema.json`.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type CommandOutput, oneOf, parseCommandLine, plural, required, runCommand, UsageError, wholeNumberFlag } from './lib/cli';
import { RegionalConsumer } from './lib/consumer/consumer';
import { CONSUMER_PARTIES, type ConsumerParty, inboundTypesOf, PUBLISHED_SCHEMAS_DIR, PublishedContract } from './lib/consumer/contract';
import { readMessagesFile } from './lib/consumer/send-to-hub';

export const CONSUME_USAGE = [
  'usage: npm run consume -- --recipient VDAB|ACTIRIS|FOREM|PPS --out <dir> [options]',
  "  --dlq                     also poll the outbound queues' dead-letter queues",
  '  --send <file>             first send the validation decisions / correction requests (VDAB, ACTIRIS)',
  '                            or the correction decisions (PPS) in <file> (JSON array, one object, or NDJSON)',
  '  --once                    stop when a receive brings nothing (default: poll until Ctrl-C);',
  '                            exits 3 when a batch is still incomplete then',
  '  --wait-seconds <n>        long-poll wait of each receive, 0-20 (default 20; 1 with --once)',
  '  --hold-seconds <n>        how long a held message stays invisible, renewed while held (default 300)',
  '  --incomplete-after <n>    report a batch still incomplete after n seconds (default 900)',
  "  --schemas <dir>           the published JSON Schemas (default: this repository's schemas/)",
  'Queues: QUEUE_URL_OUTBOUND_<R>, QUEUE_URL_OUTBOUND_<R>_DLQ, QUEUE_URL_INBOUND_<R> (as npm run local prints them);',
  '  the PPS reads QUEUE_URL_OUTBOUND_PPS and QUEUE_URL_OUTBOUND_OCMW, and sends on QUEUE_URL_INBOUND_PPS.',
].join('\n');

export interface ConsumeArgs {
  readonly recipient: ConsumerParty;
  readonly out: string;
  readonly dlq: boolean;
  readonly send?: string;
  readonly once: boolean;
  readonly waitSeconds: number;
  readonly holdSeconds: number;
  readonly incompleteAfterSeconds: number;
  readonly schemas: string;
}

/** Reads the command line. @throws UsageError on anything the usage does not allow */
export function parseConsumeArgs(argv: readonly string[]): ConsumeArgs {
  const { values } = parseCommandLine(argv, {
    usage: CONSUME_USAGE,
    options: {
      recipient: { type: 'string' },
      out: { type: 'string' },
      dlq: { type: 'boolean', default: false },
      send: { type: 'string' },
      once: { type: 'boolean', default: false },
      'wait-seconds': { type: 'string' },
      'hold-seconds': { type: 'string' },
      'incomplete-after': { type: 'string' },
      schemas: { type: 'string' },
    },
  });
  const recipient = oneOf('recipient', required('recipient', values.recipient), CONSUMER_PARTIES) as ConsumerParty;
  if (values.send !== undefined && inboundTypesOf(recipient).length === 0) {
    throw new UsageError(
      `--send is for VDAB, ACTIRIS and the PPS: ${recipient} receives no amounts and sends nothing back to the hub (messages.md)`,
    );
  }
  // With --once the last receive only confirms that the queue is empty: a one-second long poll
  // asks every SQS server (unlike 0), and returns at once when a message is there.
  const waitSeconds = wholeNumberFlag('wait-seconds', values['wait-seconds'], values.once ? 1 : 20, 0);
  if (waitSeconds > 20) throw new UsageError(`--wait-seconds must be at most 20 (SQS's longest poll), got ${waitSeconds}`);
  return {
    recipient,
    out: resolve(required('out', values.out)),
    dlq: values.dlq ?? false,
    ...(values.send === undefined ? {} : { send: resolve(values.send) }),
    once: values.once ?? false,
    waitSeconds,
    holdSeconds: wholeNumberFlag('hold-seconds', values['hold-seconds'], 300),
    incompleteAfterSeconds: wholeNumberFlag('incomplete-after', values['incomplete-after'], 900),
    schemas: resolve(values.schemas ?? PUBLISHED_SCHEMAS_DIR),
  };
}

function queueUrl(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: paste the lines npm run local prints, or set it to the queue's URL`);
  return value;
}

/** The whole command, with its environment and output given; answers the exit code. */
export async function consume(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: CommandOutput,
  signal?: AbortSignal,
): Promise<number> {
  return runCommand(
    CONSUME_USAGE,
    async () => {
      const args = parseConsumeArgs(argv);
      const stem = args.recipient;
      const sqs = new SQSClient({});
      try {
        const consumer = await RegionalConsumer.open({
          recipient: args.recipient,
          outDir: args.out,
          sqs,
          contract: new PublishedContract(args.schemas),
          queueUrl: queueUrl(env, `QUEUE_URL_OUTBOUND_${stem}`),
          ...(args.dlq ? { deadLetterQueueUrl: queueUrl(env, `QUEUE_URL_OUTBOUND_${stem}_DLQ`) } : {}),
          // The PPS also reads the OCMWs' queue: its OCMW-facing systems pass the approved corrections on.
          ...(args.recipient === 'PPS'
            ? {
                otherQueueUrls: [
                  queueUrl(env, 'QUEUE_URL_OUTBOUND_OCMW'),
                  ...(args.dlq ? [queueUrl(env, 'QUEUE_URL_OUTBOUND_OCMW_DLQ')] : []),
                ],
              }
            : {}),
          ...(args.send === undefined ? {} : { inboundQueueUrl: queueUrl(env, `QUEUE_URL_INBOUND_${stem}`) }),
          waitSeconds: args.waitSeconds,
          holdSeconds: args.holdSeconds,
          incompleteAfterMs: args.incompleteAfterSeconds * 1000,
          report: (line) => output.stdout(`${line}\n`),
        });
        let notSent = 0;
        if (args.send !== undefined) notSent = (await consumer.send(await readMessagesFile(args.send))).notSent;
        const tally = await consumer.run({ untilEmpty: args.once, ...(signal ? { signal } : {}) });
        // Held messages go back to the queue at once, for the next run.
        await consumer.release();
        const batches =
          args.recipient === 'PPS'
            ? ''
            : `${plural(tally.batchesWritten, 'batch', 'batches')} written (${plural(tally.recordsWritten, 'record')}), `;
        output.stdout(
          `${args.recipient}: ${plural(tally.received, 'message')} received, ${batches}` +
            `${plural(tally.duplicates, 'duplicate')} dropped, ${plural(tally.rejected, 'message')} kept aside, ${plural(tally.answers, 'answer')}\n`,
        );
        if (tally.rejected > 0 || notSent > 0) return 2;
        return args.once && tally.incompleteAtStop > 0 ? 3 : 0;
      } finally {
        sqs.destroy();
      }
    },
    output,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stopping = new AbortController();
  process.once('SIGINT', () => stopping.abort());
  process.once('SIGTERM', () => stopping.abort());
  process.exitCode = await consume(
    process.argv.slice(2),
    process.env,
    { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) },
    stopping.signal,
  );
}
