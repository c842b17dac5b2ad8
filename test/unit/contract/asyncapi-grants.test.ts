import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_ACTIONS, PARTY_CHANNELS, PRODUCER_ACTIONS } from '../../../infra/party-access';
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

type Statement = {
  Effect: string;
  Principal?: { AWS?: unknown };
  Action: string | string[];
  Condition?: { ArnEquals?: { 'aws:PrincipalArn'?: unknown } };
};

/**
 * The parties whose role a queue's policy allows (the party's account as principal, narrowed to its
 * role by `aws:PrincipalArn`: infra/party-access.ts), with the actions allowed, as `PARTY action,action`.
 */
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
    .map((st) => ({ st, role: st.Condition?.ArnEquals?.['aws:PrincipalArn'] }))
    .filter(({ st, role }) => st.Effect === 'Allow' && typeof role === 'string' && roles.has(role))
    .map(({ st, role }) => `${roles.get(role as string)} ${[st.Action].flat().sort().join(',')}`)
    .sort();
}

describe("asyncapi.yaml's parties and the stateful stack's queue policies", () => {
  it('grant each party exactly the queues the document gives it, with the same actions', () => {
    const consume = [...CONSUMER_ACTIONS].sort().join(',');
    const produce = [...PRODUCER_ACTIONS].sort().join(',');
    const expected = new Map<string, string[]>();
    const add = (queue: string, grant: string) => expected.set(queue, [...(expected.get(queue) ?? []), grant].sort());
    for (const [party, { consumes, sendsTo }] of Object.entries(PARTY_CHANNELS)) {
      for (const q of consumes) {
        add(q.name, `${party} ${consume}`);
        add(`${q.name}-dlq`, `${party} ${consume}`);
      }
      for (const q of sendsTo) add(q.name, `${party} ${produce}`);
    }
    expect(s.hub.stateful.queues.size).toBeGreaterThan(0);
    for (const [name, hubQueue] of s.hub.stateful.queues) {
      expect(partyGrants(logicalId(hubQueue.queue)), name).toEqual(expected.get(name) ?? []);
      expect(partyGrants(logicalId(hubQueue.deadLetterQueue)), `${name}-dlq`).toEqual(expected.get(`${name}-dlq`) ?? []);
    }
  });
});
