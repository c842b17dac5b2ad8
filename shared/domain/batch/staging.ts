import { queueJson } from '../../messages/envelope';
import type { Recipient, RecipientRecord } from '../recipients';
import { partName } from './object-keys';
import { RecordPacker } from './packing';
import type { BlobStore } from './ports';
import type { RecordSink } from './split';

/** Records per staged object: a hundred messages of up to 64 KiB, a few MiB an object. */
export const MESSAGES_PER_PART = 100;

/**
 * Stages each recipient's records, packed into messages' `records` arrays, as objects under
 * `<sha256>/<attempt>/<RECIPIENT>/part-NNNNNN.ndjson` (one array a line), so that nothing reaches a
 * recipient before the whole file is read and accepted. Parts are written as they fill, so a
 * million-row file never sits in memory.
 */
export class RecipientStager implements RecordSink {
  private readonly packers = new Map<Recipient, RecordPacker>();
  private readonly lines = new Map<Recipient, string[]>();
  /** Each recipient's staged keys, in order. */
  readonly parts = new Map<Recipient, string[]>();
  /** Each recipient's `batch.records` messages so far. */
  readonly messages: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };

  constructor(
    private readonly staging: BlobStore,
    private readonly prefix: string,
  ) {}

  accept(recipient: Recipient, record: RecipientRecord): void | Promise<void> {
    let packer = this.packers.get(recipient);
    if (!packer) {
      packer = new RecordPacker();
      this.packers.set(recipient, packer);
    }
    // Written as the queue carries it (astral characters escaped), so that packing counts its real size.
    const finished = packer.add(queueJson(record));
    if (finished !== null) return this.addLine(recipient, finished);
  }

  private addLine(recipient: Recipient, line: string): Promise<void> | undefined {
    this.messages[recipient] += 1;
    const lines = this.lines.get(recipient) ?? [];
    lines.push(line);
    this.lines.set(recipient, lines);
    return lines.length >= MESSAGES_PER_PART ? this.writePart(recipient) : undefined;
  }

  private async writePart(recipient: Recipient): Promise<void> {
    const lines = this.lines.get(recipient);
    if (!lines || lines.length === 0) return;
    this.lines.set(recipient, []);
    const parts = this.parts.get(recipient) ?? [];
    const key = `${this.prefix}${recipient}/${partName(parts.length + 1)}`;
    parts.push(key);
    this.parts.set(recipient, parts);
    await this.staging.put(key, lines.join('\n'), { contentType: 'application/x-ndjson' });
  }

  /** Stages what is still in memory: the last array of each recipient and its last part. */
  async finish(): Promise<void> {
    for (const [recipient, packer] of this.packers) {
      const last = packer.flush();
      if (last !== null) await this.addLine(recipient, last);
      await this.writePart(recipient);
    }
  }

  /** Every key staged so far, to delete them. */
  allKeys(): string[] {
    return [...this.parts.values()].flat();
  }
}
