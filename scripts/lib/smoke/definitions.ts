import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import { RECIPIENTS, type Recipient } from '../../../shared/domain/recipients';

/** What the smoke test (scripts/lib/smoke.ts) is given: its parties, clients and options, and how a step fails. */

/** A party of the sandbox, played by a role of the hub's account (infra/sandbox-parties.ts). */
export type SmokeParty = Recipient | 'PPS';
export const SMOKE_PARTIES: readonly SmokeParty[] = [...RECIPIENTS, 'PPS'];

/** Temporary credentials of an assumed role. */
export interface PartyCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** The clients of the smoke run: the operator's own, and a party's S3 and SQS clients from its credentials. */
export interface SmokeClients {
  readonly cloudFormation: CloudFormationClient;
  readonly sts: STSClient;
  readonly cloudWatch: CloudWatchClient;
  asParty(credentials: PartyCredentials): { readonly s3: S3Client; readonly sqs: SQSClient };
}

export interface SmokeOptions {
  readonly stage: string;
  /** Rows of the generated file (enough that each recipient gets some). */
  readonly rows: number;
  /** How long each wait may take, in seconds, before the step fails. */
  readonly timeoutSeconds: number;
  /** Long-polling wait of each receive (20 in AWS; shorter against the stand-in's tests). */
  readonly receiveWaitSeconds?: number;
  /** Run id, in the file's name and references, the decision's ids and the role sessions' names. */
  readonly runId?: string;
}

/** A failed step: what was being done and why it failed, printed without a stack trace. */
export class SmokeFailure extends Error {}
