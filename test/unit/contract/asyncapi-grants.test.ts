import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_ACTIONS, PRODUCER_ACTIONS } from '../../../infra/party-access';
import { PARTY_QUEUES } from '../../../scripts/asyncapi';
import { DEV, logicalId, type Resource, removeOutdir, resources, type Synthesized, synthesizeHub } from '../infra/helpers';

/**
 * "Who may send and who may receive" in asyncapi.yaml is what the deployed queue policies grant:
 * for every queue and dead-letter queue of the synthesized stateful stack, the parties' roles in its
 * policy and their actions are exactly the document's.
 */

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
});
afterAll(() => removeOutdir(s));

type Statement = { Effect: string; Principal?: { AWS?: unknown }; Action: string | string[] };

/** The parties whose role a queue's policy allows, with the actions allowed, as `PARTY action,action`. */
function partyGrants(queueId: string): string[] {
  const roles = new Map<string, string>([
    ...Object.entries(DEV.recipients).map(([r, c]) => [c.roleArn, r] as [string, string]),
    [DEV.pps.roleArn, 'PPS'],
  ]);
  const policies = Object.values(resources(s.stateful, 'AWS::SQS::QueuePolicy')).filter((p: Resource) =>
    (p.Properties.Queues as Array<{ Ref: string }>).some((q) => q.Ref === queueId),
  );
  return policies
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((st) => st.Effect === 'Allow' && typeof st.Principal?.AWS === 'string' && roles.has(st.Principal.AWS))
    .map((st) => `${roles.get(st.Principal!.AWS as string)} ${[st.Action].flat().sort().join(',')}`)
    .sort();
}

describe("asyncapi.yaml's parties and the stateful stack's queue policies", () => {
  it('grant each party exactly the queues the document gives it, with the same actions', () => {
    const consume = [...CONSUMER_ACTIONS].sort().join(',');
    const produce = [...PRODUCER_ACTIONS].sort().join(',');
    const expected = new Map<string, string[]>();
    const add = (queue: string, grant: string) => expected.set(queue, [...(expected.get(queue) ?? []), grant].sort());
    for (const [party, { receives, sends }] of Object.entries(PARTY_QUEUES)) {
      for (const q of receives) {
        add(q.name, `${party} ${consume}`);
        add(`${q.name}-dlq`, `${party} ${consume}`);
      }
      for (const q of sends) add(q.name, `${party} ${produce}`);
    }
    expect(s.hub.stateful.queues.size).toBeGreaterThan(0);
    for (const [name, hubQueue] of s.hub.stateful.queues) {
      expect(partyGrants(logicalId(hubQueue.queue)), name).toEqual(expected.get(name) ?? []);
      expect(partyGrants(logicalId(hubQueue.deadLetterQueue)), `${name}-dlq`).toEqual(expected.get(`${name}-dlq`) ?? []);
    }
  });
});
