/**
 * An operator's explicit request (spec monthly-batch §8, return-flows §5): deliver an archived
 * batch again to one recipient (or all), with the same message ids.
 *
 *   npm run redeliver -- --batch <batchId> [--recipient VDAB|ACTIRIS|FOREM]
 *
 * Reads the names of the archive bucket, the batches table and the recipients' queue URLs from the
 * same environment variables the functions get (BUCKET_ARCHIVE, TABLE_BATCHES, QUEUE_URL_OUTBOUND_*),
 * and reaches AWS (or the local stand-in) with the usual AWS settings.
 */
import { parseArgs } from 'node:util';
import type { Recipient } from '../shared/domain/recipients';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({ options: { batch: { type: 'string' }, recipient: { type: 'string' } } });
const { RECIPIENTS, isRecipient } = await import('../shared/domain/recipients');
const { redeliverBatch } = await import('../shared/domain/batch/redeliver');
const { S3BlobStore } = await import('../shared/adapters/s3-blob-store');
const { DynamoManifestStore } = await import('../shared/adapters/dynamo-manifest-store');
const { SqsPublisher } = await import('../shared/adapters/sqs-publisher');
const { BUCKETS, QUEUES, TABLES } = await import('../shared/topology');
const { ConfigurationError, readConfig, text } = await import('../shared/configuration/read-config');

try {
  if (!values.batch) throw new Error('usage: npm run redeliver -- --batch <batchId> [--recipient VDAB|ACTIRIS|FOREM]');
  if (values.recipient !== undefined && !isRecipient(values.recipient)) throw new Error(`unknown recipient ${values.recipient}`);
  const recipients = values.recipient !== undefined && isRecipient(values.recipient) ? [values.recipient] : [...RECIPIENTS];
  // Only the queues of the recipients asked for need a URL.
  const queueUrlName = (recipient: Recipient) => QUEUES.recipientOutbound[recipient].urlEnv;
  const names = [BUCKETS.archive.env, TABLES.batches.env, ...recipients.map(queueUrlName)];
  const config = readConfig(Object.fromEntries(names.map((name) => [name, text()])));
  // readConfig has checked that every name is set.
  const value = (name: string): string => config[name] as string;
  const sent = await redeliverBatch(values.batch, recipients, {
    archive: new S3BlobStore(value(BUCKETS.archive.env)),
    manifests: new DynamoManifestStore(value(TABLES.batches.env)),
    publisher: new SqsPublisher(),
    recipientQueueUrl: (recipient) => value(queueUrlName(recipient)),
  });
  for (const recipient of recipients) process.stdout.write(`${recipient}: ${sent[recipient]} messages sent again\n`);
} catch (error) {
  const hint = error instanceof ConfigurationError ? " (see the README's runbook)" : '';
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  process.exitCode = 1;
}
