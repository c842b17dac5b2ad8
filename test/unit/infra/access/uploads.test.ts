import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeOutdir } from '../helpers';
import type { Call, Decision } from './evaluate';
import { type Evaluation, evaluateHub } from './evaluation';

/**
 * The PPS's uploads as the docs describe them, each request evaluated against the inbound bucket's
 * policy and the inbound key's policy (S3 authorizes every step of an upload as `s3:PutObject`, and
 * calls KMS with the uploader's permissions: a data key to create, Decrypt for the parts), with the
 * headers each step carries: the encryption headers only where the request names them, `If-None-Match`
 * only on PutObject and CompleteMultipartUpload ("Enforce conditional writes on Amazon S3 buckets":
 * CreateMultipartUpload, UploadPart and UploadPartCopy cannot carry it, `s3:ObjectCreationOperation`
 * is false for them).
 */

let e: Evaluation;
beforeAll(() => {
  e = evaluateHub();
}, 180_000);
afterAll(() => removeOutdir(e?.synthesized));

const SSE = 's3:x-amz-server-side-encryption';
const KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const SSE_C = 's3:x-amz-server-side-encryption-customer-algorithm';
const IF_NONE_MATCH = { 's3:if-none-match': '*' };
const CREATES = { 's3:ObjectCreationOperation': 'true' };
const A_STEP = { 's3:ObjectCreationOperation': 'false' };

interface Upload {
  readonly name: string;
  /** The request's own context keys (headers, whether it creates the object). */
  readonly headers: Record<string, string>;
  /** The KMS call S3 makes with the uploader's permissions. */
  readonly kms: 'kms:GenerateDataKey' | 'kms:Decrypt';
  readonly key?: string;
  readonly expected: Decision | 'Denied';
}

/** The upload cases, each with its decision (the report and the docs list them as they are here). */
const UPLOADS = (inboundKeyArn: string, otherKeyArn: string): Upload[] => [
  {
    name: 'PutObject, no encryption header, If-None-Match (a plain `aws s3 cp`-like put)',
    headers: { ...CREATES, ...IF_NONE_MATCH },
    kms: 'kms:GenerateDataKey',
    expected: 'Allowed',
  },
  {
    name: 'PutObject, SSE-KMS with the inbound key, If-None-Match (the documented put)',
    headers: { ...CREATES, ...IF_NONE_MATCH, [SSE]: 'aws:kms', [KEY_ID]: inboundKeyArn },
    kms: 'kms:GenerateDataKey',
    expected: 'Allowed',
  },
  { name: 'PutObject, no If-None-Match', headers: { ...CREATES }, kms: 'kms:GenerateDataKey', expected: 'Denied' },
  {
    name: 'PutObject, SSE-S3 (AES256)',
    headers: { ...CREATES, ...IF_NONE_MATCH, [SSE]: 'AES256' },
    kms: 'kms:GenerateDataKey',
    expected: 'Denied',
  },
  {
    name: 'PutObject, DSSE-KMS (aws:kms:dsse)',
    headers: { ...CREATES, ...IF_NONE_MATCH, [SSE]: 'aws:kms:dsse', [KEY_ID]: inboundKeyArn },
    kms: 'kms:GenerateDataKey',
    expected: 'Denied',
  },
  {
    name: 'PutObject, SSE-KMS with another key',
    headers: { ...CREATES, ...IF_NONE_MATCH, [SSE]: 'aws:kms', [KEY_ID]: otherKeyArn },
    kms: 'kms:GenerateDataKey',
    expected: 'Denied',
  },
  {
    name: 'PutObject, SSE-KMS without a key id (the AWS managed key)',
    headers: { ...CREATES, ...IF_NONE_MATCH, [SSE]: 'aws:kms' },
    kms: 'kms:GenerateDataKey',
    expected: 'Denied',
  },
  {
    name: 'PutObject, SSE-C',
    headers: { ...CREATES, ...IF_NONE_MATCH, [SSE_C]: 'AES256' },
    kms: 'kms:GenerateDataKey',
    expected: 'Denied',
  },
  { name: 'CreateMultipartUpload, no encryption header', headers: { ...A_STEP }, kms: 'kms:GenerateDataKey', expected: 'Allowed' },
  {
    name: 'CreateMultipartUpload, SSE-KMS with the inbound key',
    headers: { ...A_STEP, [SSE]: 'aws:kms', [KEY_ID]: inboundKeyArn },
    kms: 'kms:GenerateDataKey',
    expected: 'Allowed',
  },
  {
    name: 'CreateMultipartUpload, SSE-S3 (AES256)',
    headers: { ...A_STEP, [SSE]: 'AES256' },
    kms: 'kms:GenerateDataKey',
    expected: 'Denied',
  },
  {
    name: 'CreateMultipartUpload, SSE-KMS with another key',
    headers: { ...A_STEP, [SSE]: 'aws:kms', [KEY_ID]: otherKeyArn },
    kms: 'kms:GenerateDataKey',
    expected: 'Denied',
  },
  { name: 'UploadPart (no header at all)', headers: { ...A_STEP }, kms: 'kms:Decrypt', expected: 'Allowed' },
  {
    name: 'CompleteMultipartUpload with If-None-Match',
    headers: { ...CREATES, ...IF_NONE_MATCH },
    kms: 'kms:Decrypt',
    expected: 'Allowed',
  },
  { name: 'CompleteMultipartUpload without If-None-Match', headers: { ...CREATES }, kms: 'kms:Decrypt', expected: 'Denied' },
];

/** The decision of one upload step by `who` on `key` of the inbound bucket, and of the KMS call S3 makes for it. */
function decide(who: string, upload: Upload, objectKey = 'monthly/2026-11/ocmw-2026-11.csv'): Decision {
  const { model, withScp } = e;
  const bucket = model.buckets.inbound;
  const caller = model.callers().get(who);
  if (caller === undefined) throw new Error(`No caller ${who}`);
  const put: Call = {
    action: 's3:PutObject',
    resource: `${bucket.arn}/${objectKey}`,
    resourcePolicy: bucket.policy,
    context: upload.headers,
  };
  return withScp.all(caller, [put, withScp.kms(upload.kms, model.keys.inbound.arn, 's3', { 'aws:s3:arn': bucket.arn })]);
}

describe('uploads to the inbound bucket, evaluated', () => {
  it('accepts the PPS’s upload with no encryption header or with the inbound key, a multipart upload, and refuses another algorithm or key and any upload without If-None-Match', () => {
    const cases = UPLOADS(e.model.keys.inbound.arn, e.model.keys.storage.arn);
    const decided = cases.map((u) => ({ name: u.name, decision: decide('PPS', u) }));
    expect(decided).toEqual(
      cases.map((u) => ({
        name: u.name,
        decision: u.expected === 'Denied' ? expect.stringMatching(/Denied$/) : u.expected,
      })),
    );
    // The refusals are the bucket policy's: explicit denies, not a missing allow.
    for (const { name, decision } of decided.filter((d) => d.decision !== 'Allowed')) expect(decision, name).toBe('ExplicitlyDenied');
  });

  it('refuses the same upload outside monthly/ (the PPS writes nothing else), and from anyone but the PPS', () => {
    const plain = UPLOADS(e.model.keys.inbound.arn, e.model.keys.storage.arn)[0]!;
    expect(decide('PPS', plain, 'elsewhere/ocmw-2026-11.csv')).not.toBe('Allowed');
    for (const who of ['operator', 'administrator', 'deployment', 'split-batch', 'VDAB', 'outsider'])
      expect(decide(who, plain), who).not.toBe('Allowed');
  });
});
