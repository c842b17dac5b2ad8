import { randomBytes } from 'node:crypto';
import { type _Object, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { encodeS3EventKey, type S3EventNotification, S3EventNotificationSchema } from '../shared/adapters/s3-notification';
import { LOCAL_ACCOUNT_ID } from './emulators';

/**
 * The notification S3 sends to SQS for `s3:ObjectCreated:Put`, which fauxqs does not send: the
 * local stand-in builds it in the wire format split-batch reads (shared/adapters/s3-notification.ts)
 * and sends it itself.
 */

let lastSequencer = 0n;

/** A hex sequencer that grows with every event of this process, as S3's does per key. */
function nextSequencer(): string {
  const candidate = BigInt(Date.now()) * 1_000_000n;
  lastSequencer = candidate > lastSequencer ? candidate : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

/** The notification body S3 sends to SQS when `key` was put into `bucket`, checked against the wire format. */
export function objectCreatedEvent(input: {
  region: string;
  bucket: string;
  key: string;
  size: number;
  /** As S3 returns it in ListObjects (quoted); the event carries it bare. */
  eTag: string;
  eventTime: Date;
  configurationId?: string;
}): S3EventNotification {
  const principalId = `AWS:${LOCAL_ACCOUNT_ID}`;
  return S3EventNotificationSchema.parse({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: input.region,
        eventTime: input.eventTime.toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
          'x-amz-id-2': randomBytes(48).toString('base64'),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: input.configurationId ?? 'local-stand-in',
          bucket: { name: input.bucket, ownerIdentity: { principalId: LOCAL_ACCOUNT_ID }, arn: `arn:aws:s3:::${input.bucket}` },
          object: {
            key: encodeS3EventKey(input.key),
            size: input.size,
            eTag: input.eTag.replace(/^"|"$/g, ''),
            sequencer: nextSequencer(),
          },
        },
      },
    ],
  } satisfies S3EventNotification);
}

export interface NewObjectNotifierProps {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly region: string;
  readonly bucket: string;
  readonly queueUrl: string;
}

/** Plays S3's ObjectCreated:Put notifications of a bucket onto a queue, once per new object. */
export class NewObjectNotifier {
  readonly #notified = new Set<string>();

  constructor(private readonly props: NewObjectNotifierProps) {}

  /** Sends a notification for each object not notified before; answers how many were sent. */
  async notifyNewObjects(): Promise<number> {
    const { s3, sqs, region, bucket, queueUrl } = this.props;
    const objects: _Object[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: continuationToken }));
      objects.push(...(page.Contents ?? []));
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    // Oldest first, as S3 would have sent them. An object is identified by key, ETag and time:
    // a put of the same bytes under the same key again is a new event in S3 too.
    objects.sort((a, b) => (a.LastModified?.getTime() ?? 0) - (b.LastModified?.getTime() ?? 0));
    let sent = 0;
    for (const object of objects) {
      if (object.Key === undefined || object.ETag === undefined) continue;
      const identity = JSON.stringify([object.Key, object.ETag, object.LastModified?.toISOString() ?? null]);
      if (this.#notified.has(identity)) continue;
      const event = objectCreatedEvent({
        region,
        bucket,
        key: object.Key,
        size: object.Size ?? 0,
        eTag: object.ETag,
        eventTime: object.LastModified ?? new Date(),
      });
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
      this.#notified.add(identity);
      sent += 1;
    }
    return sent;
  }
}
