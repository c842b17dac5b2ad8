/**
 * An operator's explicit request (spec monthly-batch §8, return-flows §5): deliver an archived
 * batch again to one recipient (or all), with the same message ids.
 *
 *   npm run redeliver -- --batch <batchId> [--recipient VDAB|ACTIRIS|FOREM]
 *
 * Reads the names of the archive bucket, the batches and disclosures tables and the recipients'
 * queue URLs, and the stage's replay window, from the same environment variables the functions get
 * (BUCKET_ARCHIVE, TABLE_BATCHES, TABLE_DISCLOSURES, QUEUE_URL_OUTBOUND_*, REPLAY_WINDOW_DAYS) and
 * the disclosure key (DISCLOSURE_KEY_PARAMETER, or DISCLOSURE_KEY_LOCAL on the laptop), and reaches
 * AWS (or the local stand-in) with the usual AWS settings. The check (a batch delivered, its replay
 * window not passed) and the re-delivery, recorded in the record of disclosures, are the
 * operator-redeliver function's (shared/domain/operations/redeliver.ts).
 */
import type { Recipient } from '../shared/domain/recipients';
import { checkedAsUsage, parseCommandLine, required, runCommand } from './lib/cli';

const USAGE = 'usage: npm run redeliver -- --batch <batchId> [--recipient VDAB|ACTIRIS|FOREM]';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<undefined> {
  const { values } = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    options: { batch: { type: 'string' }, recipient: { type: 'string' } },
  });
  // Imported only now: a wrong command line needs none of them.
  const { batchIdOf, formatRedelivered, redeliver, redeliveryRecipientsOf } = await import('../shared/domain/operations/redeliver');
  const batchId = checkedAsUsage(() => batchIdOf(required('batch', values.batch)));
  const recipients = checkedAsUsage(() => redeliveryRecipientsOf(values.recipient));
  const { S3BlobStore } = await import('../shared/adapters/s3-blob-store');
  const { DynamoManifestStore } = await import('../shared/adapters/dynamo-manifest-store');
  const { SqsPublisher } = await import('../shared/adapters/sqs-publisher');
  const { dynamoClient } = await import('../shared/adapters/aws-clients');
  const { loadDisclosureKey } = await import('../shared/adapters/disclosure-key');
  const { DynamoRedeliveryLog } = await import('../shared/adapters/dynamo-delivery-ledger');
  const { readDisclosureKeySource } = await import('../shared/configuration/disclosure-key-source');
  const { BUCKETS, QUEUES, SETTINGS_ENV, TABLES } = await import('../shared/topology');
  const { ConfigurationError, readConfig, text } = await import('../shared/configuration/read-config');
  const { settingSchema } = await import('../shared/configuration/function-config');
  // Only the queues of the recipients asked for need a URL.
  const queueUrlName = (r: Recipient) => QUEUES.recipientOutbound[r].urlEnv;
  const names = [BUCKETS.archive.env, TABLES.batches.env, TABLES.disclosures.env, ...recipients.map(queueUrlName)];
  let config: Record<string, unknown>;
  try {
    config = readConfig({
      ...Object.fromEntries(names.map((name) => [name, text()])),
      [SETTINGS_ENV.replayWindowDays]: settingSchema('replayWindowDays'),
    });
  } catch (error) {
    if (error instanceof ConfigurationError)
      throw new Error(`${error.message} (see docs/operators.md, or paste the lines npm run local prints)`);
    throw error;
  }
  // readConfig has checked that every name is set.
  const value = (name: string): string => config[name] as string;
  // The re-delivery is recorded in the record of disclosures, by the keyed hash of each person.
  const key = await loadDisclosureKey(readDisclosureKeySource());
  const sent = await redeliver(batchId, recipients, {
    archive: new S3BlobStore(value(BUCKETS.archive.env)),
    manifests: new DynamoManifestStore(value(TABLES.batches.env)),
    redeliveries: new DynamoRedeliveryLog(dynamoClient(), value(TABLES.disclosures.env), async () => key),
    publisher: new SqsPublisher(),
    recipientQueueUrl: (r) => value(queueUrlName(r)),
    clock: () => new Date(),
    replayWindowDays: config[SETTINGS_ENV.replayWindowDays] as number,
  });
  process.stdout.write(`${formatRedelivered(recipients, sent)}\n`);
  return undefined;
}

process.exitCode = await runCommand(USAGE, main);
