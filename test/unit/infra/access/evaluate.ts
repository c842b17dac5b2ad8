import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { Caller, HubKey, HubModel, PolicyDocument } from './hub-model';

/**
 * Evaluates a request of a caller against the hub's synthesized policies with
 * `@cloud-copilot/iam-simulate` (AGPL: used by the tests only, never bundled). The identity policies
 * of the caller, the resource's policy (bucket, queue, key, table, trust policy) and, for a principal
 * of the hub's account, the organisation's SCP (`scp`) are evaluated as AWS does, conditions
 * included. `runUnsafeSimulation`, because the validated entry point drops context keys it does not
 * know for an action, `kms:EncryptionContext:aws:sqs:arn` and `…:aws:s3:arn` among them.
 */

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One call to AWS: the action, the resource ARN, its policy, and the request's own context keys. */
export interface Call {
  readonly action: string;
  readonly resource: string;
  readonly resourcePolicy?: PolicyDocument | undefined;
  readonly context?: Readonly<Record<string, string | string[]>>;
}

/** The AWS-managed FullAWSAccess SCP, attached wherever SCPs are on. */
const FULL_AWS_ACCESS: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The account a resource ARN belongs to (S3 bucket ARNs carry none: the hub's). */
function accountOf(arn: string, hubAccount: string): string {
  return arn.split(':')[4] || hubAccount;
}

/** The session ARN a role's caller signs requests with. */
function sessionArn(roleArn: string): string {
  const [, partition, , , account, resource] = roleArn.split(':') as string[];
  const name = (resource as string).split('/').at(-1);
  return `arn:${partition}:sts::${account}:assumed-role/${name}/session`;
}

export class Evaluator {
  constructor(
    readonly model: HubModel,
    readonly scp: PolicyDocument,
  ) {}

  /** The decision of one call. */
  call(caller: Caller, call: Call): Decision {
    const hubAccount = this.model.config.account;
    return runUnsafeSimulation(
      {
        request: {
          principal: sessionArn(caller.roleArn),
          action: call.action,
          resource: { resource: call.resource, accountId: accountOf(call.resource, hubAccount) },
          contextVariables: {
            'aws:PrincipalArn': caller.roleArn,
            'aws:PrincipalAccount': caller.account,
            'aws:PrincipalType': 'AssumedRole',
            'aws:SecureTransport': 'true',
            ...call.context,
          },
        },
        identityPolicies: caller.identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
        serviceControlPolicies: caller.inHubAccount
          ? [
              {
                orgIdentifier: 'ou-hub',
                policies: [
                  { name: 'FullAWSAccess', policy: FULL_AWS_ACCESS },
                  { name: 'hub', policy: this.scp },
                ],
              },
            ]
          : [],
        resourceControlPolicies: [],
        // As a validated policy with a name: runUnsafeSimulation loads a bare resource policy without
        // the metadata it reads (iam-simulate 0.1.173).
        resourcePolicy: call.resourcePolicy && {
          __validated: true,
          policyDocument: call.resourcePolicy,
          metadata: { name: 'resource' },
          errors: [],
        },
      },
      {},
    );
  }

  /** An operation of several calls (S3 or SQS and the KMS calls it makes) is allowed only if each is. */
  all(caller: Caller, calls: readonly Call[]): Decision {
    for (const c of calls) {
      const decision = this.call(caller, c);
      if (decision !== 'Allowed') return decision;
    }
    return 'Allowed';
  }

  /** The first of several ways to perform an operation that is allowed, or the first way's refusal. */
  any(caller: Caller, ways: readonly (readonly Call[])[]): Decision {
    const decisions = ways.map((calls) => this.all(caller, calls));
    return decisions.find((d) => d === 'Allowed') ?? decisions[0] ?? 'ImplicitlyDenied';
  }

  /** A KMS call that a service makes for the caller: through the service, with its encryption context. */
  kms(action: string, keyArn: string, service: 's3' | 'sqs' | 'dynamodb' | 'ssm', context: Record<string, string>): Call {
    const key = this.key(keyArn);
    return {
      action,
      resource: keyArn,
      resourcePolicy: key.policy,
      context: {
        'kms:ResourceAliases': [...key.aliases],
        'kms:ViaService': `${service}.${this.model.config.region}.amazonaws.com`,
        ...Object.fromEntries(Object.entries(context).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
        'kms:EncryptionContextKeys': Object.keys(context),
      },
    };
  }

  /** A hub key by its ARN. */
  key(keyArn: string): HubKey {
    const key = Object.values(this.model.keys).find((k) => k.arn === keyArn);
    if (key === undefined) throw new Error(`No hub key ${keyArn}`);
    return key;
  }
}
