import type { Envelope } from './contract';

/**
 * One line for a person about each message that is not part of a batch (consumer.ts): what the
 * hub answered a region, and everything the PPS reads. Never a national number: a correction
 * names its line by `reference`, and the body, kept in `answers.ndjson`, holds the rest.
 */

type Fields = Readonly<Record<string, unknown>>;

const text = (value: unknown): string => String(value);

/** `batch.outcome`: what became of a file the PPS dropped, in one line. */
function outcomeLine(m: Fields): string {
  const report = `report ${text(m.reportKey)}`;
  if (m.duplicateOf !== null && m.duplicateOf !== undefined) {
    return `batch.outcome: ${text(m.source)} holds the bytes of batch ${text(m.duplicateOf)}, delivered before: nothing delivered again (${text(m.delivered)} rows delivered then); ${report}`;
  }
  if (m.refused !== null && m.refused !== undefined) {
    const detail = typeof m.refusedDetail === 'string' ? `: ${m.refusedDetail}` : '';
    return `batch.outcome: ${text(m.source)} REFUSED ${text(m.refused)}${detail} (${text(m.rows)} rows read, ${text(m.rejected)} rejected, nothing delivered); ${report}`;
  }
  const per = (m.perRecipient ?? {}) as Readonly<Record<string, { records?: number }>>;
  const records = Object.entries(per)
    .map(([recipient, totals]) => `${recipient} ${totals.records ?? 0}`)
    .join(', ');
  return (
    `batch.outcome: ${text(m.source)} accepted: ${text(m.rows)} rows = ${text(m.delivered)} delivered + ${text(m.withheld)} withheld + ` +
    `${text(m.unroutable)} unroutable + ${text(m.rejected)} rejected (records: ${records}); ${report}`
  );
}

/** The line printed for an answer or a message to the PPS. */
export function answerLine(message: Envelope): string {
  const m = message as unknown as Fields;
  switch (message.type) {
    case 'message.refused':
      return `message.refused: the hub refused your message ${text(m.refusedMessageId)}: ${text(m.code)}`;
    case 'correction.outcome':
      return `correction.outcome: correction request ${text(m.requestId)} ${text(m.decision)}`;
    case 'batch.outcome':
      return outcomeLine(m);
    case 'validation.decision': {
      const reason = typeof m.reasonCode === 'string' ? ` (${m.reasonCode})` : '';
      return `validation.decision: ${text(m.recipient)} ${text(m.decision)} line ${text(m.reference)}${reason}`;
    }
    case 'correction.request':
      return `correction.request ${text(m.correctionId)} from ${text(m.recipient)}: ${text(m.kind)} of € ${text(m.amount)} on line ${text(m.reference)}; decide with a correction.decision (--send)`;
    case 'correction.approved':
      return `correction.approved ${text(m.correctionId)}: ${text(m.kind)} of € ${text(m.amount)} on line ${text(m.reference)}, for OCMW ${text(m.ocmwKbo)}`;
    default:
      return `${message.type} ${message.messageId}`;
  }
}
