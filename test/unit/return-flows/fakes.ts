import type { Recipient, Regulation, ReturningRecipient } from '../../../shared/domain/recipients';
import { isExpired } from '../../../shared/domain/retention';
import { type Correction, canTransition, outcomeClosesCorrection } from '../../../shared/domain/return-flows/correction';
import type { CorrectionStore } from '../../../shared/domain/return-flows/corrections';
import { type Disclosure, type DisclosureLog, inszHmac } from '../../../shared/domain/return-flows/disclosures';
import type { PaymentLine, PaymentLineView } from '../../../shared/domain/return-flows/payment-line';
import type { PpsFlowDeps, RegionFlowDeps } from '../../../shared/domain/return-flows/process';
import type { RefusedMessage, RefusedMessageStore } from '../../../shared/domain/return-flows/refusals';
import type { Channel } from '../../../shared/domain/return-flows/return-message';
import { isLaterDecision, type PaymentLineStore, type StoredDecision } from '../../../shared/domain/return-flows/validation-decisions';
import { MemoryPublisher } from '../../support/memory-ports';

/** In-memory stores with the semantics of the DynamoDB adapters' conditional writes. */

export class MemoryPaymentLines implements PaymentLineStore {
  readonly lines = new Map<string, PaymentLine>();
  readonly decisions = new Map<string, StoredDecision>();
  readonly status = new Map<string, StoredDecision>();

  put(line: PaymentLine): void {
    this.lines.set(`${line.recipient}#${line.reference}`, line);
  }
  async getLine(recipient: ReturningRecipient, reference: string, now: Date): Promise<PaymentLineView | undefined> {
    const line = this.lines.get(`${recipient}#${reference}`);
    if (!line || isExpired(line.expiresAt, now)) return undefined;
    const status = this.status.get(`${recipient}#${reference}`);
    return status
      ? { ...line, status: status.decision, statusDecisionId: status.decisionId, statusDecidedAt: status.decidedAt }
      : { ...line, status: 'DELIVERED' };
  }
  async addDecision(decision: StoredDecision) {
    const key = `${decision.recipient}#${decision.reference}#${decision.decisionId}`;
    const existing = this.decisions.get(key);
    if (existing) return { created: false as const, existing };
    this.decisions.set(key, decision);
    return { created: true as const };
  }
  async applyStatus(decision: StoredDecision): Promise<void> {
    const key = `${decision.recipient}#${decision.reference}`;
    const current = this.status.get(key);
    if (!current || isLaterDecision(decision, current)) this.status.set(key, decision);
  }
  async markDecisionForwarded(decision: StoredDecision, at: Date): Promise<void> {
    const key = `${decision.recipient}#${decision.reference}#${decision.decisionId}`;
    const existing = this.decisions.get(key);
    if (existing) this.decisions.set(key, { ...existing, forwardedAt: at.toISOString() });
  }
  history(recipient: ReturningRecipient, reference: string): StoredDecision[] {
    return [...this.decisions.values()].filter((d) => d.recipient === recipient && d.reference === reference);
  }
}

export class MemoryCorrections implements CorrectionStore {
  readonly items = new Map<string, Correction>();
  private key(c: Pick<Correction, 'requester' | 'requestId'>): string {
    return `${c.requester}#${c.requestId}`;
  }
  async create(correction: Correction) {
    const existing = this.items.get(this.key(correction));
    if (existing && !isExpired(existing.expiresAt, new Date(correction.submittedAt))) return { created: false as const, existing };
    this.items.set(this.key(correction), correction);
    return { created: true as const };
  }
  async findByCorrectionId(correctionId: string, now: Date) {
    return [...this.items.values()].find((c) => c.correctionId === correctionId && !isExpired(c.expiresAt, now));
  }
  async markForwardedToPps(c: Correction, at: Date) {
    this.update(c, { forwardedToPpsAt: at.toISOString() });
  }
  async decide(c: Correction, decision: 'APPROVED' | 'REJECTED', decidedAt: string, at: Date) {
    const current = this.items.get(this.key(c))!;
    if (!canTransition(current.status, decision)) return { applied: false as const, current };
    const updated = this.update(c, { status: decision, decision, decidedAt, decisionReceivedAt: at.toISOString() });
    return { applied: true as const, correction: updated };
  }
  async markOutcomeSent(c: Correction, at: Date) {
    const current = this.items.get(this.key(c))!;
    const closes = current.decision !== undefined && outcomeClosesCorrection(current.decision);
    this.update(c, { outcomeSentAt: current.outcomeSentAt ?? at.toISOString() }, closes);
  }
  async markForwardedToOcmw(c: Correction, at: Date) {
    const current = this.items.get(this.key(c))!;
    if (current.status === 'APPROVED') this.update(c, { status: 'FORWARDED_TO_OCMW', forwardedToOcmwAt: at.toISOString() }, true);
  }
  /** One write: the changes and, when it closes the correction, the INSZ in clear removed. */
  private update(c: Correction, changes: Partial<Correction>, closes = false): Correction {
    const { insz, ...rest } = { ...this.items.get(this.key(c))!, ...changes } as Correction;
    const updated: Correction = closes || insz === undefined ? rest : { ...rest, insz };
    this.items.set(this.key(c), updated);
    return updated;
  }
}

/** The record of disclosures of the return flows: one entry per (person, entry key), the latest put kept. */
export class MemoryDisclosureLog implements DisclosureLog {
  readonly items = new Map<string, Disclosure>();
  async record(disclosure: Disclosure): Promise<void> {
    this.items.set(`${disclosure.personKey}#${disclosure.entryKey}`, disclosure);
  }
  all(): Disclosure[] {
    return [...this.items.values()];
  }
}

export class MemoryRefused implements RefusedMessageStore {
  readonly items = new Map<string, RefusedMessage>();
  async record(refused: RefusedMessage) {
    this.items.set(`${refused.channel}#${refused.receivedAt}#${refused.refusedMessageId}`, refused);
  }
  async list(channel: Channel, now: Date) {
    return [...this.items.values()].filter((r) => r.channel === channel && !isExpired(r.expiresAt, now));
  }
}

export const KEY = Buffer.alloc(32, 7);
/** Valid KBOs (97 − first eight mod 97). */
export const VDAB_KBO = '0887010362';
export const ACTIRIS_KBO = '0240193675';
export const OCMW_KBO = '0212351212';
/** A valid INSZ born 1985-07-30 and another one. */
export const INSZ = '85073003328';
export const OTHER_INSZ = '90020199704';

export const QUEUE_URLS = {
  recipientOutbound: { VDAB: 'q://outbound-vdab', ACTIRIS: 'q://outbound-actiris' },
  ppsOutbound: 'q://outbound-pps',
  ocmwOutbound: 'q://outbound-ocmw',
} as const;

export function makeDeps(now = new Date('2025-11-03T10:00:00Z')) {
  const lines = new MemoryPaymentLines();
  const corrections = new MemoryCorrections();
  const refused = new MemoryRefused();
  const disclosures = new MemoryDisclosureLog();
  const publisher = new MemoryPublisher();
  const clock = { now };
  // Both paths' ports, so that one test can play a correction from its request to the PPS's decision.
  const deps: RegionFlowDeps & PpsFlowDeps = {
    lines,
    corrections,
    refused,
    disclosures,
    publisher,
    clock: () => clock.now,
    config: { queueUrls: QUEUE_URLS, recipientKbos: { VDAB: VDAB_KBO, ACTIRIS: ACTIRIS_KBO }, refusedRetentionDays: 30 },
    personKey: async (insz) => inszHmac(KEY, insz),
  };
  return { deps, lines, corrections, refused, disclosures, publisher, clock };
}

export function line(
  recipient: ReturningRecipient,
  reference: string,
  overrides: Partial<PaymentLine> & { insz?: string } = {},
): PaymentLine {
  const { insz = INSZ, ...rest } = overrides;
  return {
    recipient,
    reference,
    fileNumber: 'D-100',
    ocmwKbo: OCMW_KBO,
    regulation: 'ART60_7' as Regulation,
    inszHmac: inszHmac(KEY, insz),
    period: '2025-10',
    batchId: 'b1',
    deliveredAt: '2025-11-01T08:00:00.000Z',
    expiresAt: Math.floor(Date.parse('2040-10-28T08:00:00Z') / 1000),
    ...rest,
  };
}

let seq = 0;
export function decisionMessage(overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    type: 'validation.decision',
    schemaVersion: 1,
    messageId: `m-${seq}`,
    sentAt: '2025-11-03T09:15:00Z',
    decisionId: `d-${seq}`,
    reference: 'REF-1',
    fileNumber: 'D-100',
    decision: 'VALIDATED',
    decidedAt: '2025-11-03T09:00:00+01:00',
    ...overrides,
  };
}

export function correctionMessage(overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    type: 'correction.request',
    schemaVersion: 1,
    messageId: `m-${seq}`,
    sentAt: '2025-11-03T09:15:00Z',
    requestId: `r-${seq}`,
    requesterKbo: VDAB_KBO,
    ocmwKbo: OCMW_KBO,
    regulation: 'ART60_7',
    fileNumber: 'D-100',
    insz: INSZ,
    kind: 'RECOVERY',
    effectiveDate: '2025-10-01',
    performanceStart: '2025-10-01',
    performanceEnd: '2025-10-31',
    reference: 'REF-1',
    amount: '120.5',
    budgetArticle: 'BA-44',
    ...overrides,
  };
}

export function ppsDecisionMessage(correctionId: string, decision: 'APPROVED' | 'REJECTED', overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    type: 'correction.decision',
    schemaVersion: 1,
    messageId: `p-${seq}`,
    sentAt: '2025-11-04T09:15:00Z',
    correctionId,
    decision,
    decidedAt: '2025-11-04T09:00:00Z',
    ...overrides,
  };
}

let sqsSeq = 0;
/** A message as a channel delivers it. */
export function received(body: unknown, typeAttribute?: string) {
  sqsSeq += 1;
  return {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    sqsMessageId: `sqs-${sqsSeq}`,
    sentTimestampMs: Date.parse('2025-11-03T09:15:01Z'),
    ...(typeAttribute !== undefined ? { typeAttribute } : {}),
  };
}

export type { Recipient };
