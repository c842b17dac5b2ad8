/**
 * `npm run local`: the hub's AWS on this laptop, on fixed ports, until Ctrl-C. Every second it
 * plays S3's notifications for new files in the inbound bucket and the functions' SQS triggers,
 * so that a person can drop a file or send a message with any S3 or SQS client and watch the
 * recipients' queues fill. See README.md, The local stand-in.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FIXED_PORTS, type LocalStandIn, startLocalStandIn } from '../local/stand-in';
import { readConfig, wholeNumber } from '../shared/configuration/read-config';
import { allQueues, BUCKETS, deadLetterQueueOf, QUEUES, TABLES } from '../shared/topology';

const ROUND_INTERVAL_MS = 1000;

const port = () => wholeNumber(1, 65_535, 'a port number');

function banner(standIn: LocalStandIn, fauxqsPort: number, dynalitePort: number): string {
  const plain = `http://localhost:${fauxqsPort}`;
  const queueLines = allQueues().flatMap((spec) => {
    const dlq = deadLetterQueueOf(spec);
    return [`  ${spec.name.padEnd(24)} ${standIn.queueUrl(spec)}`, `  ${dlq.name.padEnd(24)} ${standIn.queueUrl(dlq)}`];
  });
  const vdabOut = standIn.queueUrl(QUEUES.recipientOutbound.VDAB);
  const vdabIn = standIn.queueUrl(QUEUES.recipientInbound.VDAB);
  return [
    '',
    'Local stand-in of the art. 60 hub is running (synthetic data only: nothing here is protected).',
    '',
    'Endpoints',
    `  S3 + SQS (fauxqs)     ${plain}   (SDK style: S3 ${standIn.endpoints.s3}, SQS ${standIn.endpoints.sqs})`,
    `  DynamoDB (dynalite)   ${standIn.endpoints.dynamodb}`,
    `  Region ${standIn.region}, any credentials, account 000000000000`,
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
    'Point any AWS client here (shell):',
    `  export AWS_REGION=${standIn.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    `  export AWS_ENDPOINT_URL_S3=${plain} AWS_ENDPOINT_URL_SQS=${plain} AWS_ENDPOINT_URL_DYNAMODB=http://localhost:${dynalitePort}`,
    '  aws configure set default.s3.addressing_style path   # the CLI must use path style (no *.localhost DNS needed)',
    '',
    'Drop a monthly file as the PPS (it is picked up within a second):',
    `  aws --endpoint-url ${plain} s3 cp file.csv s3://${BUCKETS.inbound.name}/monthly/2025-11/file.csv`,
    'Poll a recipient queue as VDAB:',
    `  aws --endpoint-url ${plain} sqs receive-message --queue-url ${vdabOut} --max-number-of-messages 10 --message-attribute-names All`,
    '  (then delete-message with the ReceiptHandle, as the recipient system would)',
    'Send a return message as VDAB:',
    `  aws --endpoint-url ${plain} sqs send-message --queue-url ${vdabIn} --message-body file://decision.json --message-attributes 'type={DataType=String,StringValue=validation.decision}'`,
    'Read a table:',
    `  aws --endpoint-url http://localhost:${dynalitePort} dynamodb scan --table-name ${TABLES.batches.name}`,
    '',
    'Ctrl-C stops (all state is in memory and is lost).',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
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

  process.stdout.write(banner(standIn, fauxqsPort, dynalitePort));

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
}

main().catch((error: unknown) => {
  // Starting failed (most often: a port in use); nothing was left running.
  console.error('npm run local could not start:', error instanceof Error ? error.message : error);
  console.error(`Ports in use? Set LOCAL_FAUXQS_PORT / LOCAL_DYNALITE_PORT (defaults ${FIXED_PORTS.fauxqs} / ${FIXED_PORTS.dynalite}).`);
  process.exit(1);
});
