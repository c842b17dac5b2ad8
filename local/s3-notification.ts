import { randomBytes } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from './emulators';

/**
 * The event S3 sends to an SQS queue for `s3:ObjectCreated:Put` (event message structure 2.1),
 * which fauxqs does not send: the local stand-in builds it and sends it itself.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export interface S3ObjectCreatedEvent {
  Records: Array<{
    eventVersion: '2.1';
    eventSource: 'aws:s3';
    awsRegion: string;
    eventTime: string;
    eventName: 'ObjectCreated:Put';
    userIdentity: { principalId: string };
    requestParameters: { sourceIPAddress: string };
    responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
    s3: {
      s3SchemaVersion: '1.0';
      configurationId: string;
      bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
      object: { key: string; size: number; eTag: string; sequencer: string };
    };
  }>;
}

/**
 * Encodes an object key the way S3 writes it in event notifications: form-URL encoding (a space
 * becomes `+`, a `+` becomes `%2B`, other reserved and non-ASCII characters are percent-encoded
 * as UTF-8) with `/` left as is. A consumer decodes it with
 * `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

let lastSequencer = 0n;

/** A hex sequencer that grows with every event of this process, as S3's does per key. */
function nextSequencer(): string {
  const candidate = BigInt(Date.now()) * 1_000_000n;
  lastSequencer = candidate > lastSequencer ? candidate : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

/** The notification body S3 sends to SQS when `key` was put into `bucket`. */
export function objectCreatedEvent(input: {
  region: string;
  bucket: string;
  key: string;
  size: number;
  /** As S3 returns it in ListObjects (quoted); the event carries it bare. */
  eTag: string;
  eventTime: Date;
  configurationId?: string;
}): S3ObjectCreatedEvent {
  const principalId = `AWS:${LOCAL_ACCOUNT_ID}`;
  return {
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
  };
}
