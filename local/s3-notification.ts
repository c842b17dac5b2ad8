import { randomBytes } from 'node:crypto';
import { encodeS3EventKey, type S3EventNotification, S3EventNotificationSchema } from '../shared/adapters/s3-notification';
import { LOCAL_ACCOUNT_ID } from './emulators';

/**
 * The notification S3 sends to SQS for `s3:ObjectCreated:Put`, which fauxqs does not send: the
 * local stand-in builds it in the wire format split-batch reads (shared/adapters/s3-notification.ts).
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
