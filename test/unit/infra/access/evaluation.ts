import type { StageConfig } from '../../../../infra/config';
import { DEV, type Synthesized, synthesizeHub } from '../helpers';
import { Evaluator } from './evaluate';
import { HubModel, type PolicyDocument, projectPolicy } from './hub-model';
import { OPERATIONS, type Operation, type Target } from './operations';

/**
 * One synthesis of a stage, its model and two evaluators: one under the organisation's SCP as the
 * docs give it (infra/policies/scp.json, the hub's key ARNs filled in where it says `HUB_KEY_ARNS`),
 * and one with the template alone.
 */
export interface Evaluation {
  readonly synthesized: Synthesized;
  readonly model: HubModel;
  readonly scp: PolicyDocument;
  readonly withScp: Evaluator;
  readonly templateAlone: Evaluator;
}

/**
 * The SCP of the docs with the hub's keys filled in, as an organisation attaches it: each key as
 * `arn:aws:kms:*:*:key/<key id>` (a key id is unique; the short form keeps the SCP within its size).
 */
export function scpFor(keyArns: readonly string[]): PolicyDocument {
  const text = JSON.stringify(projectPolicy('infra/policies/scp.json'));
  const keys = keyArns.map((arn) => JSON.stringify(`arn:aws:kms:*:*:${arn.split(':')[5]}`));
  return JSON.parse(text.replace('"HUB_KEY_ARNS"', keys.join(','))) as PolicyDocument;
}

export function evaluateHub(config: StageConfig = DEV): Evaluation {
  const synthesized = synthesizeHub({ config });
  const model = new HubModel(synthesized, config);
  const scp = scpFor(Object.values(model.keys).map((k) => k.arn));
  const none: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  return { synthesized, model, scp, withScp: new Evaluator(model, scp), templateAlone: new Evaluator(model, none) };
}

/** Every resource of the matrix. */
export function targetsOf(model: HubModel): Target[] {
  return [
    ...Object.keys(model.buckets).map((b) => `bucket:${b}` as Target),
    ...[...model.queues.keys()].map((q) => `queue:${q}` as Target),
    ...Object.keys(model.keys).map((k) => `key:${k}` as Target),
    ...Object.keys(model.tables).map((t) => `table:${t}` as Target),
    'role:operator',
    ...[...model.functionArns.keys()].map((f) => `function:${f}` as Target),
    'parameter:disclosure-key',
  ];
}

/** Every (resource, operation) of the matrix. */
export function cellsOf(model: HubModel): Array<{ target: Target; operation: Operation }> {
  return targetsOf(model).flatMap((target) =>
    (OPERATIONS[target.split(':')[0] as keyof typeof OPERATIONS] as readonly Operation[]).map((operation) => ({ target, operation })),
  );
}
