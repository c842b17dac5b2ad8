import { describe, expect, it } from 'vitest';
import { type AuditEntry, answerOperator } from '../../../shared/domain/operations/operator-tool';
import {
  type DeadLetter,
  type DeadLetterChannel,
  type DeadLetterQueue,
  deadLetterChannelOf,
  formatReprocessed,
  type ReprocessDeadLettersDeps,
  reprocessDeadLetters,
  reprocessDeadLettersRequestSchema,
  reprocessDeadLettersTool,
} from '../../../shared/domain/operations/reprocess-dead-letters';
import { processPpsMessage, processRegionMessage } from '../../../shared/domain/return-flows/process';
import type { ChannelMessage, ReturnOutcome } from '../../../shared/domain/return-flows/return-message';
import { correctionMessage, decisionMessage, line, makeDeps, received } from '../return-flows/fakes';

/**
 * Reprocessing a party's inbound dead letters: each message goes through the same use case as on
 * the party's own queue, the sender being the DLQ's channel whatever the message claims, and leaves
 * the DLQ only once handled.
 */

/** A dead-letter queue in memory, as SQS plays it: a received message is hidden until deleted (for the rest of the run). */
class MemoryDeadLetters implements DeadLetterQueue {
  readonly messages: ChannelMessage[];
  private readonly hidden = new Set<string>();
  deleted: string[] = [];
  constructor(messages: ChannelMessage[]) {
    this.messages = [...messages];
  }
  async receive(max: number): Promise<DeadLetter[]> {
    const visible = this.messages.filter((m) => !this.hidden.has(m.sqsMessageId)).slice(0, max);
    for (const m of visible) this.hidden.add(m.sqsMessageId);
    return visible.map((message) => ({ message, receiptHandle: `receipt-${message.sqsMessageId}` }));
  }
  async delete(receiptHandle: string): Promise<void> {
    const id = receiptHandle.replace(/^receipt-/, '');
    this.deleted.push(id);
    this.messages.splice(
      this.messages.findIndex((m) => m.sqsMessageId === id),
      1,
    );
  }
}

const NOW = new Date('2025-11-03T10:00:00Z');

function world(dlqs: Partial<Record<DeadLetterChannel, ChannelMessage[]>>, failing: (m: ChannelMessage) => boolean = () => false) {
  const flow = makeDeps();
  const queues = {
    VDAB: new MemoryDeadLetters(dlqs.VDAB ?? []),
    ACTIRIS: new MemoryDeadLetters(dlqs.ACTIRIS ?? []),
    PPS: new MemoryDeadLetters(dlqs.PPS ?? []),
  };
  const handled: Array<[DeadLetterChannel, string]> = [];
  const reported: Array<[DeadLetterChannel, string, ReturnOutcome['kind']]> = [];
  const failures: Array<[DeadLetterChannel, string]> = [];
  const deps: ReprocessDeadLettersDeps = {
    deadLetters: (channel) => queues[channel],
    handle: async (channel, message) => {
      handled.push([channel, message.sqsMessageId]);
      if (failing(message)) throw new Error('throttled');
      return channel === 'PPS' ? processPpsMessage(flow.deps, message) : processRegionMessage(flow.deps, channel, message);
    },
    report: (channel, id, outcome) => reported.push([channel, id, outcome.kind]),
    onFailure: (channel, id) => failures.push([channel, id]),
  };
  return { flow, queues, deps, handled, reported, failures };
}

describe('reprocessDeadLetters', () => {
  it("applies a party's dead letters as if the party had sent them again, then empties its DLQ", async () => {
    const decision = received(decisionMessage({ reference: 'REF-1', decision: 'REFUSED' }), 'validation.decision');
    const w = world({ VDAB: [decision] });
    w.flow.lines.put(line('VDAB', 'REF-1'));

    const summary = await reprocessDeadLetters('VDAB', 100, w.deps);

    expect(summary).toEqual({ channel: 'VDAB', accepted: 1, duplicates: 0, refused: 0, failed: 0, limitReached: false });
    expect((await w.flow.lines.getLine('VDAB', 'REF-1', NOW))?.status).toBe('REFUSED');
    // Passed on to the PPS, as region-inbound passes on a decision from VDAB's own queue.
    expect(w.flow.publisher.all('q://outbound-pps').map((m) => m.type)).toEqual(['validation.decision']);
    expect(w.queues.VDAB.messages).toEqual([]);
    expect(w.reported).toEqual([['VDAB', decision.sqsMessageId, 'accepted']]);
  });

  it('names the sender by the DLQ, never by the message: a correction request of VDAB found in Actiris’s DLQ is Actiris’s, refused WRONG_CHANNEL', async () => {
    // The requester's KBO is VDAB's: on Actiris's channel that is a party claiming another's identity.
    const request = received(correctionMessage(), 'correction.request');
    const w = world({ ACTIRIS: [request] });
    w.flow.lines.put(line('VDAB', 'REF-1'));

    const summary = await reprocessDeadLetters('ACTIRIS', 100, w.deps);

    expect(summary).toMatchObject({ channel: 'ACTIRIS', accepted: 0, refused: 1 });
    expect(w.handled).toEqual([['ACTIRIS', request.sqsMessageId]]);
    expect([...w.flow.refused.items.values()].map((r) => [r.channel, r.code])).toEqual([['ACTIRIS', 'WRONG_CHANNEL']]);
    // The refusal is answered to the channel's own party, and the message is handled: out of the DLQ.
    expect(w.flow.publisher.all('q://outbound-actiris').map((m) => m.type)).toEqual(['message.refused']);
    expect(w.flow.publisher.all('q://outbound-vdab')).toEqual([]);
    expect(w.queues.ACTIRIS.messages).toEqual([]);
  });

  it('leaves a message that fails again in the DLQ, and goes on with the others', async () => {
    const bad = received(decisionMessage({ reference: 'REF-1' }), 'validation.decision');
    const good = received(decisionMessage({ reference: 'REF-2' }), 'validation.decision');
    const w = world({ VDAB: [bad, good] }, (m) => m.sqsMessageId === bad.sqsMessageId);
    w.flow.lines.put(line('VDAB', 'REF-1'));
    w.flow.lines.put(line('VDAB', 'REF-2'));

    const summary = await reprocessDeadLetters('VDAB', 100, w.deps);

    expect(summary).toMatchObject({ accepted: 1, failed: 1 });
    expect(w.queues.VDAB.messages.map((m) => m.sqsMessageId)).toEqual([bad.sqsMessageId]);
    expect(w.queues.VDAB.deleted).toEqual([good.sqsMessageId]);
    expect(w.failures).toEqual([['VDAB', bad.sqsMessageId]]);
    expect((await w.flow.lines.getLine('VDAB', 'REF-1', NOW))?.status).toBe('DELIVERED');
  });

  it('is a no-op the second time: a message handled before is a duplicate, and no other DLQ is read', async () => {
    const decision = decisionMessage({ reference: 'REF-1' });
    const w = world({ VDAB: [received(decision, 'validation.decision'), received(decision, 'validation.decision')] });
    w.flow.lines.put(line('VDAB', 'REF-1'));

    const summary = await reprocessDeadLetters('VDAB', 100, w.deps);

    expect(summary).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(w.flow.publisher.all('q://outbound-pps')).toHaveLength(1);
    expect(w.handled.every(([channel]) => channel === 'VDAB')).toBe(true);
  });

  it('stops at its limit, saying so, and leaves the rest for the next run', async () => {
    const messages = Array.from({ length: 25 }, (_, i) => received(decisionMessage({ reference: `NONE-${i}` }), 'validation.decision'));
    const w = world({ VDAB: messages });

    const summary = await reprocessDeadLetters('VDAB', 12, w.deps);

    expect(summary).toMatchObject({ refused: 12, limitReached: true });
    expect(w.queues.VDAB.messages).toHaveLength(13);
    expect(formatReprocessed(summary)).toBe(
      'VDAB: 0 accepted, 0 duplicates, 12 refused, 0 failed (left in the dead-letter queue); the limit was reached: run it again for the rest',
    );
  });

  it('answers an empty DLQ with zeros, without handling anything', async () => {
    const w = world({});
    expect(await reprocessDeadLetters('PPS', 100, w.deps)).toEqual({
      channel: 'PPS',
      accepted: 0,
      duplicates: 0,
      refused: 0,
      failed: 0,
      limitReached: false,
    });
    expect(w.handled).toEqual([]);
  });
});

describe('the request and the tool', () => {
  it('takes VDAB, ACTIRIS and PPS only: FOREM has no inbound channel', () => {
    expect(reprocessDeadLettersRequestSchema.safeParse({ channel: 'FOREM' }).success).toBe(false);
    expect(reprocessDeadLettersRequestSchema.safeParse({ channel: 'PPS', limit: 0 }).success).toBe(false);
    expect(reprocessDeadLettersRequestSchema.safeParse({ channel: 'VDAB', limit: 1000 }).success).toBe(true);
    expect(() => deadLetterChannelOf('FOREM')).toThrow('FOREM has no inbound dead-letter queue');
    expect(deadLetterChannelOf('ACTIRIS')).toBe('ACTIRIS');
  });

  it('writes an audit line with the channel, the limit and the messages handled', async () => {
    const w = world({ VDAB: [received(decisionMessage({ reference: 'NONE' }), 'validation.decision')] });
    const entries: AuditEntry[] = [];
    const answer = await answerOperator(
      reprocessDeadLettersTool(w.deps),
      { success: true, data: { channel: 'VDAB' } },
      { requestId: 'req-1' },
      { record: (e) => entries.push(e) },
    );
    expect(answer).toMatchObject({ ok: true, channel: 'VDAB', refused: 1, summary: expect.stringContaining('1 refused') });
    expect(entries).toEqual([
      { tool: 'reprocess-dead-letters', requestId: 'req-1', outcome: 'answered', asked: { channel: 'VDAB', limit: 100 }, results: 1 },
    ]);
  });
});
