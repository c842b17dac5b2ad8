import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctionIdOf } from '../../../shared/domain/return-flows/ids';
import { processPpsMessage, processRegionMessage } from '../../../shared/domain/return-flows/process';
import { assertValidMessage } from '../../support/message-schemas';
import { correctionMessage, line, makeDeps, ppsDecisionMessage, QUEUE_URLS, received } from './fakes';

const ENVELOPE = ['type', 'schemaVersion', 'messageId', 'sentAt'];

describe('the requester hears the outcome and only the outcome (§15)', () => {
  it('carries no more than requestId and the decision, plus the envelope, whatever the correction', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          requestId: fc.string({ minLength: 1, maxLength: 128 }),
          kind: fc.constantFrom('RECOVERY', 'ARREARS'),
          amount: fc
            .integer({ min: 1, max: 99_999_999_999 })
            .map((cents) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`),
          budgetArticle: fc.string({ minLength: 1, maxLength: 40 }),
          reference: fc.string({ minLength: 1, maxLength: 64 }),
          fileNumber: fc.string({ minLength: 1, maxLength: 50 }),
        }),
        fc.constantFrom('APPROVED' as const, 'REJECTED' as const),
        async (request, decision) => {
          const { deps, lines, publisher } = makeDeps();
          lines.put(line('VDAB', request.reference, { fileNumber: request.fileNumber }));
          const submitted = await processRegionMessage(deps, 'VDAB', received(correctionMessage(request)));
          expect(submitted.kind).toBe('accepted');

          await processPpsMessage(deps, received(ppsDecisionMessage(correctionIdOf('VDAB', request.requestId), decision)));

          const toRequester = publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB);
          expect(toRequester).toHaveLength(1);
          const outcome = toRequester[0]!;
          expect(Object.keys(outcome).sort()).toEqual([...ENVELOPE, 'requestId', 'decision'].sort());
          expect(outcome).toMatchObject({ type: 'correction.outcome', requestId: request.requestId, decision });
          assertValidMessage(outcome, 'correction.outcome');
        },
      ),
      { numRuns: 100 },
    );
  });
});
