import { z } from 'zod';
import { PermanentFailure } from './retry-policy';

/**
 * The S3 event notification as S3 sends it to an SQS queue (event message structure 2.x), and
 * S3's test event: the one wire format that the local stand-in produces and split-batch consumes,
 * checked at run time on both sides.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 *
 * Not Powertools' `S3Schema`: it refuses the test event (no `Records`) and any `sourceIPAddress`
 * but IPv4, while S3 names an IPv6 client too; either would send a good message to the DLQ.
 */

const S3EventRecordSchema = z.object({
  eventVersion: z.string(),
  eventSource: z.literal('aws:s3'),
  awsRegion: z.string(),
  eventTime: z.iso.datetime(),
  eventName: z.string(),
  userIdentity: z.object({ principalId: z.string() }),
  requestParameters: z.object({ sourceIPAddress: z.string() }),
  responseElements: z.object({ 'x-amz-request-id': z.string(), 'x-amz-id-2': z.string() }),
  s3: z.object({
    s3SchemaVersion: z.string(),
    configurationId: z.string(),
    bucket: z.object({ name: z.string(), ownerIdentity: z.object({ principalId: z.string() }), arn: z.string() }),
    object: z.object({
      // URL-encoded, `+` for a space: see encodeS3EventKey.
      key: z.string(),
      // Absent from deletions; present on every ObjectCreated event.
      size: z.number().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});

/** An S3 event notification: one record or more. */
export const S3EventNotificationSchema = z.object({ Records: z.array(S3EventRecordSchema).min(1) });
export type S3EventNotification = z.infer<typeof S3EventNotificationSchema>;
export type S3EventRecord = z.infer<typeof S3EventRecordSchema>;

/** What S3 sends once when a notification configuration is saved: it names no object. */
export const S3TestEventSchema = z.object({
  Service: z.literal('Amazon S3'),
  Event: z.literal('s3:TestEvent'),
  Bucket: z.string(),
  Time: z.string().optional(),
  RequestId: z.string().optional(),
  HostId: z.string().optional(),
});

/** A message on the notification queue that is neither a notification nor S3's test event: no retry cures it. */
export class NotAnS3NotificationError extends PermanentFailure {
  override readonly name = 'NotAnS3NotificationError';
}

/**
 * Encodes an object key the way S3 writes it in event notifications: form-URL encoding (a space
 * becomes `+`, a `+` becomes `%2B`, other reserved and non-ASCII characters are percent-encoded
 * as UTF-8) with `/` left as is.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

/** The object key a notification names, decoded (`+` is a space). */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** Where in the body the first problems are; never a value, which could be anything. */
function problemsOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

/** An object created in the watched bucket, as a notification names it. */
export interface CreatedObject {
  /** The object's key, decoded. */
  readonly key: string;
  /** When S3 received the object (the record's `eventTime`): when the hub received the file. */
  readonly receivedAt: Date;
}

/**
 * The objects created in `bucket` that a message body names: none for S3's test event, another
 * bucket or another kind of event.
 * @throws NotAnS3NotificationError when the body is neither a notification nor the test event.
 */
export function createdObjects(body: string, bucket: string): CreatedObject[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new NotAnS3NotificationError('the message body is not JSON');
  }
  if (typeof json !== 'object' || json === null || !('Records' in json)) {
    if (S3TestEventSchema.safeParse(json).success) return [];
    throw new NotAnS3NotificationError("not an S3 event notification: no Records, and not S3's test event");
  }
  const parsed = S3EventNotificationSchema.safeParse(json);
  if (!parsed.success) throw new NotAnS3NotificationError(`not an S3 event notification: ${problemsOf(parsed.error)}`);
  return parsed.data.Records.filter((record) => record.eventName.startsWith('ObjectCreated:') && record.s3.bucket.name === bucket).map(
    (record) => ({ key: decodeS3EventKey(record.s3.object.key), receivedAt: new Date(record.eventTime) }),
  );
}
