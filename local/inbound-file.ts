import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../shared/adapters/aws-clients';
import { fileKindOf, NO_PERIOD_LOCAL_PREFIX } from '../shared/domain/batch/file-name';
import { readRows } from '../shared/domain/batch/reader';
import { isPeriod } from '../shared/domain/batch/row-validation';
import type { LocalRunProgress } from './run-progress';

/** A local file in the inbound bucket (run-file.ts): its period, its key, and its upload as a client of S3 would. */

/**
 * The file's period for a local file (§7): the `period` of the first row whose `period` is
 * well-formed, or null when no row has one (an empty file, a file whose rows have none, a file
 * whose name is not a batch file's or that cannot be read before such a row).
 */
export async function localFilePeriod(path: string): Promise<string | null> {
  let kind: ReturnType<typeof fileKindOf>;
  try {
    kind = fileKindOf(basename(path));
  } catch {
    return null; // not a batch file: it has no rows (the handler refuses it UNSUPPORTED_FILE)
  }
  const stream = createReadStream(path);
  try {
    for await (const rows of readRows(stream, kind)) {
      for (const row of rows) {
        const period = row.values?.period;
        if (typeof period === 'string' && isPeriod(period.trim())) return period.trim();
      }
    }
  } catch {
    // An unreadable file: the handler says so in the report.
  } finally {
    stream.destroy();
  }
  return null;
}

/**
 * The inbound key of a local file: under its period's month folder, where S3's rule (the key's
 * month) and the local rule (the first well-formed period) agree; a file without a period under
 * the local prefix whose period is null.
 */
export function localFileKey(period: string | null, name: string): string {
  return period === null ? `${NO_PERIOD_LOCAL_PREFIX}${name}` : `monthly/${period}/${name}`;
}

/** Parts of a multipart upload: S3's minimum is 5 MiB; the emulator takes at most 11 MiB in one request. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * Puts the file as a client of S3 would: in one request, or in 8 MiB parts when larger (the
 * emulator, like S3 for anything big, takes large objects only as multipart uploads).
 */
export async function putFile(bucket: string, key: string, path: string, progress: (p: LocalRunProgress) => void): Promise<void> {
  const { size } = await stat(path);
  if (size <= PART_BYTES) {
    await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(path), ContentLength: size }));
    progress({ stage: 'upload', bytes: size, totalBytes: size });
    return;
  }
  const { UploadId: uploadId } = await s3Client().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
  const file = await open(path, 'r');
  try {
    for (let offset = 0, partNumber = 1; offset < size; offset += PART_BYTES, partNumber++) {
      const buffer = Buffer.alloc(Math.min(PART_BYTES, size - offset));
      await file.read(buffer, 0, buffer.length, offset);
      const part = await s3Client().send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: buffer }),
      );
      parts.push({ ETag: part.ETag, PartNumber: partNumber });
      progress({ stage: 'upload', bytes: offset + buffer.length, totalBytes: size });
    }
  } finally {
    await file.close();
  }
  await s3Client().send(
    new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
  );
}
