import type { DeliveryProof, DeliveryProofReader } from '../../shared/domain/batch/delivery-proof';
import type { BatchManifest, BlobStore, ClaimResult, DeliveredBatch, DeliveryLedger, ManifestStore } from '../../shared/domain/batch/ports';
import type { RedeliveryLog } from '../../shared/domain/batch/redeliver';
import type { Recipient, RecipientRecord } from '../../shared/domain/recipients';
import type { OutboundMessage } from '../../shared/messages/envelope';
import type { MessagePublisher } from '../../shared/ports';

/** In-memory stand-ins of the ports, for unit tests of the domain. */

export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, string>();
  writes = 0;
  async put(key: string, body: string, options: { ifAbsent?: boolean } = {}): Promise<void> {
    this.writes += 1;
    if (options.ifAbsent && this.objects.has(key)) return;
    this.objects.set(key, body);
  }
  async getText(key: string): Promise<string> {
    const body = this.objects.get(key);
    if (body === undefined) throw new Error(`no object ${key}`);
    return body;
  }
  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }
}

export class MemoryManifestStore implements ManifestStore {
  readonly manifests = new Map<string, BatchManifest>();
  async claim(manifest: BatchManifest, now: Date): Promise<ClaimResult> {
    const existing = this.manifests.get(manifest.sha256);
    if (!existing) {
      this.manifests.set(manifest.sha256, manifest);
      return { claimed: true, manifest };
    }
    if (
      manifest.status === 'PUBLISHING' &&
      existing.status === 'PUBLISHING' &&
      existing.leaseUntil !== undefined &&
      existing.leaseUntil < now.toISOString()
    ) {
      // The earliest reception of the bytes (ISO instants compare as strings).
      let receivedAt = existing.receivedAt;
      if (manifest.receivedAt < receivedAt) receivedAt = manifest.receivedAt;
      const taken = { ...existing, attemptId: manifest.attemptId, leaseUntil: manifest.leaseUntil, receivedAt };
      this.manifests.set(manifest.sha256, taken);
      return { claimed: true, manifest: taken };
    }
    // As the port says: the manifest this very attempt holds is claimed.
    if (existing.status === 'PUBLISHING' && existing.attemptId === manifest.attemptId) return { claimed: true, manifest: existing };
    return { claimed: false, existing };
  }
  async markDelivered(
    sha256: string,
    attemptId: string,
    deliveredAt: Date,
    recipients: NonNullable<BatchManifest['recipients']>,
  ): Promise<void> {
    const existing = this.manifests.get(sha256);
    if (existing?.status === 'DELIVERED' && existing.attemptId === attemptId) return;
    if (existing?.status !== 'PUBLISHING' || existing.attemptId !== attemptId) throw new Error('ConditionalCheckFailed');
    const { leaseUntil: _lease, ...rest } = existing;
    this.manifests.set(sha256, { ...rest, status: 'DELIVERED', deliveredAt: deliveredAt.toISOString(), recipients });
  }
  async get(sha256: string): Promise<BatchManifest | undefined> {
    return this.manifests.get(sha256);
  }
}

export class MemoryLedger implements DeliveryLedger, RedeliveryLog, DeliveryProofReader {
  readonly calls: Array<{ batch: DeliveredBatch; recipient: Recipient; records: readonly RecipientRecord[] }> = [];
  /** The proofs kept, by message id and digest (a put of the same proof again replaces it). */
  readonly proofs = new Map<string, DeliveryProof>();
  /** The re-deliveries recorded in the record of disclosures. */
  readonly redeliveries: Array<{ batch: DeliveredBatch; recipient: Recipient; records: readonly RecipientRecord[]; redeliveredAt: Date }> =
    [];
  async recordDeliveries(batch: DeliveredBatch, recipient: Recipient, records: readonly RecipientRecord[]): Promise<void> {
    this.calls.push({ batch, recipient, records });
  }
  async recordProofs(proofs: readonly DeliveryProof[]): Promise<void> {
    for (const proof of proofs) this.proofs.set(`${proof.messageId}#${proof.sha256}`, proof);
  }
  async recordRedelivery(
    batch: DeliveredBatch,
    recipient: Recipient,
    records: readonly RecipientRecord[],
    redeliveredAt: Date,
  ): Promise<void> {
    this.redeliveries.push({ batch, recipient, records, redeliveredAt });
  }
  /** The proofs as the proof tool reads them. */
  async forMessage(messageId: string): Promise<DeliveryProof[]> {
    return [...this.proofs.values()].filter((p) => p.messageId === messageId);
  }
}

/**
 * Publishes into per-queue arrays. Fails in the two ways a test needs: a crash half-way
 * (`failAfter` messages accepted in all, then every send throws) and whole calls refused as SQS
 * throttling refuses them (`failNext` calls, nothing of them accepted).
 */
export class MemoryPublisher implements MessagePublisher {
  readonly queues = new Map<string, OutboundMessage[]>();
  /** Messages accepted so far, over every queue. */
  sent = 0;
  failAfter = Number.POSITIVE_INFINITY;
  failNext = 0;

  async publish(queueUrl: string, messages: readonly OutboundMessage[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    }
    for (const message of messages) {
      if (this.sent >= this.failAfter) throw new Error('simulated crash while publishing');
      this.sent += 1;
      const queue = this.queues.get(queueUrl) ?? [];
      queue.push(message);
      this.queues.set(queueUrl, queue);
    }
  }

  /** The messages a queue received, in order. */
  all(queueUrl: string): OutboundMessage[] {
    return this.queues.get(queueUrl) ?? [];
  }

  /** The parsed bodies a queue received, in order. */
  bodies(queueUrl: string): Array<Record<string, unknown>> {
    return this.all(queueUrl).map((m) => JSON.parse(m.body) as Record<string, unknown>);
  }
}
