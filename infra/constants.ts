/**
 * Day counts the infrastructure adds to the domain's retention (shared/domain/retention.ts), each
 * with its reason. The domain's constants say how long data is kept; these say how it is stored
 * and swept meanwhile.
 */

/**
 * Archive objects move to S3 Glacier Instant Retrieval after 90 days, when the replay window keeps
 * them there at least its minimum storage duration ({@link GLACIER_IR_MINIMUM_STORAGE_DAYS}, so a
 * window of 180 days or more). Why this class and this day:
 * - an archived batch is read only to replay a delivery, rarely after the first weeks, and
 *   Glacier Instant Retrieval stores it for a fraction of Standard's price while still serving it in
 *   milliseconds, so `npm run redeliver` needs no restore step;
 * - moving at day 90 (not day 0) keeps the first quarter, when replays of a fresh batch happen, in
 *   Standard with no retrieval fee; a shorter window keeps everything in Standard, where a deletion
 *   before 90 days costs nothing extra;
 * - Deep Archive would be cheaper still but needs a restore of up to 12 hours before a replay, and
 *   its 180-day minimum; Standard-IA's saving is smaller than Instant Retrieval's at the same access.
 * Expiration counts from the object's creation, so the transition does not shift the window.
 * (S3 does not transition objects under 128 KiB; those stay in Standard, which is correct and costs
 * little.)
 */
export const ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS = 90;

/** S3 Glacier Instant Retrieval bills every object at least 90 days. */
export const GLACIER_IR_MINIMUM_STORAGE_DAYS = 90;

/**
 * An interrupted multipart upload leaves invisible parts that no expiration rule on objects removes
 * and that are billed; one day is ample for any upload of a monthly file to finish.
 */
export const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 1;

/**
 * S3 server access logs (who read or wrote which key; no object content, and keys hold no national
 * number) are kept just over a year: the yearly audit can look back twelve months with a month's
 * margin. 400 is also a CloudWatch-style retention value operators recognise.
 */
export const ACCESS_LOG_RETENTION_DAYS = 400;

/** AWS guidance for SQS sources of Lambda: a message moves to the DLQ after five failed receives. */
export const MAX_RECEIVE_COUNT = 5;

/** Long polling: the maximum wait, fewer empty receives for the recipients' pollers and ours. */
export const RECEIVE_WAIT_SECONDS = 20;

/** The CloudWatch namespace of the functions' business metrics (Powertools). */
export const METRICS_NAMESPACE = 'Art60Hub';
