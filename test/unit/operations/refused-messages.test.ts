import { describe, expect, it } from 'vitest';
import { answerOperator } from '../../../shared/domain/operations/operator-tool';
import {
  formatRefused,
  listRefused,
  MAX_BODY_SHOWN,
  maskNationalNumbers,
  REFUSED_MESSAGE_CHANNELS,
  type RefusedMessageReader,
  refusedChannelsOf,
  refusedMessagesTool,
  viewOf,
} from '../../../shared/domain/operations/refused-messages';
import type { RefusedMessage } from '../../../shared/domain/return-flows/refusals';
import type { Channel } from '../../../shared/domain/return-flows/return-message';
import { redactLogValue } from '../../../shared/observability';

/** The refused return messages, as the CLI and the operator function list them. */

const NOW = new Date('2025-12-10T00:00:00Z');
const BODY = '{"type":"correction.request","insz":"85.07.30-033.28","other":"90020199704"}';

function refusal(channel: Channel, receivedAt: string, id = `m-${receivedAt}`, body = BODY): RefusedMessage {
  return {
    channel,
    refusedMessageId: id,
    code: 'INVALID_FIELD',
    detail: 'amount: not a decimal',
    messageType: 'correction.request',
    receivedAt,
    recordedAt: receivedAt,
    body,
    expiresAt: 2_000_000_000,
  };
}

class MemoryRefused implements RefusedMessageReader {
  constructor(private readonly rows: readonly RefusedMessage[]) {}
  async list(channel: Channel): Promise<RefusedMessage[]> {
    return this.rows.filter((r) => r.channel === channel);
  }
}

const rows = [
  refusal('PPS', '2025-12-03T10:00:00.000Z'),
  refusal('VDAB', '2025-12-01T10:00:00.000Z'),
  refusal('ACTIRIS', '2025-12-02T10:00:00.000Z'),
];

describe('the refused-messages query', () => {
  it('lists every channel’s refusals, oldest first; or one channel; and refuses a name that is no channel', async () => {
    const store = new MemoryRefused(rows);
    expect((await listRefused(store, refusedChannelsOf(undefined), NOW)).map((r) => r.channel)).toEqual(['VDAB', 'ACTIRIS', 'PPS']);
    expect((await listRefused(store, refusedChannelsOf('PPS'), NOW)).map((r) => r.channel)).toEqual(['PPS']);
    expect(REFUSED_MESSAGE_CHANNELS).toEqual(['VDAB', 'ACTIRIS', 'PPS']);
    expect(() => refusedChannelsOf('FOREM')).toThrow('unknown channel FOREM: one of VDAB, ACTIRIS, PPS');
  });

  it('shows a body only when asked, with national numbers masked as the logger masks them, and never the expiry', () => {
    const r = rows[1]!;
    expect(viewOf(r, false)).toEqual({
      channel: 'VDAB',
      refusedMessageId: r.refusedMessageId,
      code: 'INVALID_FIELD',
      detail: 'amount: not a decimal',
      messageType: 'correction.request',
      receivedAt: r.receivedAt,
      recordedAt: r.recordedAt,
    });
    expect(viewOf(r, true).body).toBe('{"type":"correction.request","insz":"[INSZ]","other":"[INSZ]"}');
    expect(maskNationalNumbers(BODY)).toBe(redactLogValue('', BODY));
    expect(formatRefused([r], true)).toBe(
      `Refused return messages: 1\n${r.receivedAt}  VDAB     correction.request   INVALID_FIELD           ${r.refusedMessageId}\n    amount: not a decimal\n    body: {"type":"correction.request","insz":"[INSZ]","other":"[INSZ]"}`,
    );
    expect(formatRefused([], false)).toBe('No refused return messages (within their retention).');
  });
});

describe('the refused-messages tool', () => {
  const tool = (store: RefusedMessageReader) => refusedMessagesTool({ refused: store, clock: () => NOW });

  it('answers how many there are and the newest `limit` of them, oldest first, without bodies unless asked', async () => {
    const entries: unknown[] = [];
    const answer = await answerOperator(
      tool(new MemoryRefused(rows)),
      { success: true, data: { limit: 2 } },
      { requestId: 'r' },
      {
        record: (e) => entries.push(e),
      },
    );
    expect(answer).toEqual({
      ok: true,
      channels: ['VDAB', 'ACTIRIS', 'PPS'],
      count: 3,
      shown: 2,
      refused: [viewOf(rows[2]!, false), viewOf(rows[0]!, false)],
    });
    expect(entries).toEqual([
      {
        tool: 'refused-messages',
        requestId: 'r',
        outcome: 'answered',
        asked: { channels: ['VDAB', 'ACTIRIS', 'PPS'], withBody: false, limit: 2 },
        results: 3,
      },
    ]);
  });

  it('answers bodies masked, and cut to a length that keeps the answer within what Lambda may return', async () => {
    const long = `${BODY}${'x'.repeat(10_000)}`;
    const answer = await answerOperator(
      tool(new MemoryRefused([refusal('VDAB', '2025-12-01T10:00:00.000Z', 'long', long)])),
      { success: true, data: { channel: 'VDAB', body: true } },
      { requestId: 'r' },
      { record: () => {} },
    );
    const body = (answer as { refused: ReadonlyArray<{ body?: string }> }).refused[0]!.body ?? '';
    expect(body.startsWith('{"type":"correction.request","insz":"[INSZ]","other":"[INSZ]"}xxx')).toBe(true);
    expect(body.endsWith(`… (${maskNationalNumbers(long).length} characters)`)).toBe(true);
    expect(body.length).toBeLessThan(MAX_BODY_SHOWN + 30);
    expect(JSON.stringify(answer)).not.toMatch(/85\.07\.30-033\.28|90020199704/);
  });
});
