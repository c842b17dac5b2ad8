import { z } from 'zod';
import type { Clock } from '../../ports';
import { bodySha256, type DeliveryProof, type DeliveryProofReader } from '../batch/delivery-proof';
import type { Recipient } from '../recipients';
import { InvalidRequestError, type OperatorTool } from './operator-tool';

/**
 * "Did the hub send exactly this?" (return-flows §5, the proof of each delivery): for a message
 * body, or its `messageId` and the SHA-256 of its body, whether the hub sent exactly that, to whom
 * and when; for `npm run proof` and the operator-proof function alike. The body is only hashed:
 * neither the answer nor the audit line holds any of its content.
 */

/** What the proofs say of a message: sent as it is, sent under this id with another body, or never sent (or past retention). */
export type ProofVerdict = 'SENT' | 'ALTERED' | 'NOT_SENT';

/** A message to check: its id and its body's SHA-256 (hex, lower case). */
export interface ProofQuery {
  readonly messageId: string;
  readonly sha256: string;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * The message to check, from its body (its `messageId` read from it, its SHA-256 computed) or from
 * its id and digest.
 * @throws InvalidRequestError when the body is no message of the hub, or the id or digest is missing or malformed
 */
export function proofQueryOf(input: { readonly body?: string; readonly messageId?: string; readonly sha256?: string }): ProofQuery {
  if (input.body !== undefined) {
    if (input.messageId !== undefined || input.sha256 !== undefined) {
      throw new InvalidRequestError('give either a body, or a messageId and a sha256, not both');
    }
    let messageId: unknown;
    try {
      messageId = (JSON.parse(input.body) as { messageId?: unknown } | null)?.messageId;
    } catch {
      throw new InvalidRequestError('the body is not JSON: not a message of the hub');
    }
    if (typeof messageId !== 'string' || messageId === '')
      throw new InvalidRequestError('the body has no messageId: not a message of the hub');
    // The body exactly as given: one character changed (a space, a line end) is another body.
    return { messageId, sha256: bodySha256(input.body) };
  }
  if (input.messageId === undefined || input.messageId === '')
    throw new InvalidRequestError('a body, or a messageId and a sha256, is required');
  if (input.sha256 === undefined || !SHA256_HEX.test(input.sha256)) {
    throw new InvalidRequestError('sha256 must be the SHA-256 of the body: 64 hex characters');
  }
  return { messageId: input.messageId, sha256: input.sha256.toLowerCase() };
}

/** The answer: the verdict, and who was sent a message under this id, when, in which batch. */
export interface ProofAnswer {
  readonly verdict: ProofVerdict;
  readonly messageId: string;
  readonly sha256: string;
  /** SENT: the proof of this very body. ALTERED: the proofs of the bodies sent under this id. */
  readonly sent: ReadonlyArray<{
    readonly recipient: Recipient;
    readonly batchId: string;
    readonly seq?: number;
    readonly sentAt: string;
    readonly sha256: string;
  }>;
  readonly summary: string;
}

function shown(p: DeliveryProof): ProofAnswer['sent'][number] {
  return { recipient: p.recipient, batchId: p.batchId, ...(p.seq !== undefined ? { seq: p.seq } : {}), sentAt: p.sentAt, sha256: p.sha256 };
}

/** Checks a message against the proofs kept. */
export async function checkProof(query: ProofQuery, proofs: DeliveryProofReader, now: Date): Promise<ProofAnswer> {
  const found = (await proofs.forMessage(query.messageId, now)).sort((a, b) => a.sentAt.localeCompare(b.sentAt));
  const exact = found.filter((p) => p.sha256 === query.sha256);
  const base = { messageId: query.messageId, sha256: query.sha256 };
  const first = exact[0] ?? found[0];
  if (first === undefined) {
    return {
      ...base,
      verdict: 'NOT_SENT',
      sent: [],
      summary: `NOT SENT: the hub keeps no proof of a message ${query.messageId} (it never sent one, or it is past its retention)`,
    };
  }
  const where = `to ${first.recipient} at ${first.sentAt}, batch ${first.batchId}${first.seq !== undefined ? `, seq ${first.seq}` : ''}`;
  if (exact.length > 0) {
    return { ...base, verdict: 'SENT', sent: exact.map(shown), summary: `SENT: the hub sent exactly this message ${where}` };
  }
  return {
    ...base,
    verdict: 'ALTERED',
    sent: found.map(shown),
    summary: `ALTERED: the hub sent a message ${query.messageId} ${where}, but not this body (SHA-256 ${query.sha256} is none of the ${found.length} it sent under this id)`,
  };
}

/** The request of the operator-proof function, as typed in the console's Test tab: a body (JSON in a string), or an id and a digest. */
export const proofRequestSchema = z.union([
  z.strictObject({ body: z.string().min(1) }),
  z.strictObject({
    messageId: z.string().min(1),
    sha256: z.string().regex(SHA256_HEX, { error: 'must be the SHA-256 of the body: 64 hex characters' }),
  }),
]);
export type ProofRequest = z.infer<typeof proofRequestSchema>;

/** What the proof check needs. */
export interface ProofDeps {
  readonly proofs: DeliveryProofReader;
  readonly clock: Clock;
}

/** The proof check as an operator tool: audited by the message's id and digest, never its content. */
export function proofTool(deps: ProofDeps): OperatorTool<ProofRequest, ProofAnswer> {
  return {
    name: 'proof',
    prepare(request) {
      const query = proofQueryOf(request);
      return {
        asked: { messageId: query.messageId, sha256: query.sha256 },
        async run() {
          const answer = await checkProof(query, deps.proofs, deps.clock());
          return { answer, results: answer.verdict === 'SENT' ? 1 : 0 };
        },
      };
    },
  };
}
