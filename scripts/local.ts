/**
 * `npm run local`: the hub's AWS on this laptop, on fixed ports, until Ctrl-C. Every second it
 * plays S3's notifications for new files in the inbound bucket and the functions' SQS triggers,
 * so that a person can drop a file or send a message with any S3 or SQS client and watch the
 * recipients' queues fill. See README.md, The local stand-in.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { type LocalStandIn, startLocalStandIn } from '../local/stand-in';
import { FIXED_PORTS, LOCAL_RECIPIENT_KBOS } from '../local/stand-in-environment';
import { readConfig, wholeNumber } from '../shared/configuration/read-config';
import { allQueues, BUCKETS, deadLetterQueueOf, QUEUES, TABLES } from '../shared/topology';
import { parseCommandLine, runCommand } from './lib/cli';

const ROUND_INTERVAL_MS = 1000;

const USAGE = [
  'usage: npm run local',
  '  keeps the local AWS running until Ctrl-C; takes no flags.',
  `  Ports: LOCAL_FAUXQS_PORT (default ${FIXED_PORTS.fauxqs}), LOCAL_DYNALITE_PORT (default ${FIXED_PORTS.dynalite}).`,
].join('\n');

const port = () => wholeNumber(1, 65_535, 'a port number');

/** A value as a POSIX shell word: bare when it is safe, else in single quotes. */
export function shellWord(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The lines to paste into a shell: one `export NAME=value` per variable a client needs. */
export function exportLines(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).map(([name, value]) => `export ${name}=${shellWord(value)}`);
}

/** What `npm run local` prints on start: what is running, then every line a client needs. */
export function banner(standIn: LocalStandIn): string {
  const { endpoints } = standIn;
  const queueLines = allQueues().flatMap((spec) => {
    const dlq = deadLetterQueueOf(spec);
    return [`  ${spec.name.padEnd(24)} ${standIn.queueUrl(spec)}`, `  ${dlq.name.padEnd(24)} ${standIn.queueUrl(dlq)}`];
  });
  const vdabOut = standIn.queueUrl(QUEUES.recipientOutbound.VDAB);
  const vdabIn = standIn.queueUrl(QUEUES.recipientInbound.VDAB);
  const kbos = Object.entries(LOCAL_RECIPIENT_KBOS).map(([recipient, kbo]) => `${recipient} ${kbo}`);
  return [
    '',
    'Local stand-in of the art. 60 hub is running (synthetic data only: nothing here is protected).',
    '',
    'Endpoints (127.0.0.1 only; every URL below resolves from any process, no /etc/hosts line needed)',
    `  S3 + SQS (fauxqs)     ${endpoints.sqs}   (S3 path style: ${endpoints.s3}/<bucket>/<key>)`,
    `  DynamoDB (dynalite)   ${endpoints.dynamodb}`,
    `  Region ${standIn.region}, any credentials, account 000000000000`,
    `  A requesterKbo must equal its channel's recipient: ${kbos.join(', ')}`,
    '',
    'Buckets',
    ...Object.values(BUCKETS).map((b) => `  ${standIn.bucketName(b).padEnd(24)} ${b.description}`),
    '',
    'Queues',
    ...queueLines,
    '',
    'Tables',
    ...Object.values(TABLES).map((t) => `  ${standIn.tableName(t).padEnd(24)} ${t.description}`),
    '',
    '# Paste into a shell to point any AWS SDK or CLI, and npm run disclosures / refused / redeliver / consume, here:',
    ...exportLines(standIn.clientEnv),
    '',
    'Then, for example (nothing in ~/.aws is changed; --endpoint-url on the sqs commands is for the AWS CLI v1,',
    'which ignores AWS_ENDPOINT_URL_SQS; the CLI v2 and every SDK need no flag):',
    'Drop a monthly file as the PPS (it is picked up within a second):',
    `  aws s3 cp file.csv s3://${BUCKETS.inbound.name}/monthly/2025-11/file.csv`,
    'Poll a recipient queue as VDAB (or: npm run consume -- --recipient VDAB --out ./vdab):',
    `  aws sqs receive-message --endpoint-url "$AWS_ENDPOINT_URL_SQS" --queue-url ${vdabOut} --max-number-of-messages 10 --message-attribute-names All`,
    '  (then delete-message with the ReceiptHandle, as the recipient system would)',
    'Send a return message as VDAB:',
    `  aws sqs send-message --endpoint-url "$AWS_ENDPOINT_URL_SQS" --queue-url ${vdabIn} --message-body file://decision.json --message-attributes 'type={DataType=String,StringValue=validation.decision}'`,
    'Read a table:',
    `  aws dynamodb scan --table-name ${TABLES.batches.name}`,
    '',
    'Ctrl-C stops (all state is in memory and is lost).',
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  parseCommandLine(process.argv.slice(2), { usage: USAGE, options: {} });
  const { LOCAL_FAUXQS_PORT: fauxqsPort, LOCAL_DYNALITE_PORT: dynalitePort } = readConfig({
    LOCAL_FAUXQS_PORT: port().default(FIXED_PORTS.fauxqs),
    LOCAL_DYNALITE_PORT: port().default(FIXED_PORTS.dynalite),
  });
  const standIn = await startLocalStandIn({ ports: { fauxqs: fauxqsPort, dynalite: dynalitePort }, functions: 'all', metrics: 'emf' });
  // After the stand-in set the environment: the logger reads its settings on import.
  const { logger } = await import('../shared/observability');

  const stopping = new AbortController();
  const requestStop = (signal: NodeJS.Signals): void => {
    if (stopping.signal.aborted) {
      // A second Ctrl-C while a round is still running: leave at once.
      process.exit(130);
    }
    logger.info('Stopping the local stand-in', { signal });
    stopping.abort();
  };
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);

  process.stdout.write(banner(standIn));

  while (!stopping.signal.aborted) {
    try {
      const notified = await standIn.notifyNewObjects();
      if (notified > 0) logger.info('New files in the inbound bucket notified', { count: notified });
      await standIn.drain();
    } catch (error) {
      // One bad round (a handler bug, a file that breaks something) must not end the session.
      logger.error('Local round failed; continuing', { error });
    }
    await sleep(ROUND_INTERVAL_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
  }
  await standIn.stop();
  return 0;
}

/** Starting failed (most often: a port in use); nothing was left running. */
async function start(): Promise<number> {
  try {
    return await main();
  } catch (error) {
    if (!(error instanceof Error) || error.name === 'UsageError' || error.name === 'HelpRequested') throw error;
    throw new Error(
      `npm run local could not start: ${error.message}\nPorts in use? Set LOCAL_FAUXQS_PORT / LOCAL_DYNALITE_PORT (defaults ${FIXED_PORTS.fauxqs} / ${FIXED_PORTS.dynalite}).`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit(await runCommand(USAGE, start));
