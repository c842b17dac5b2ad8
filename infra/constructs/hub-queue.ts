import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueOf, type QueueSpec } from '../../shared/topology';
import { MAX_RECEIVE_COUNT, RECEIVE_WAIT_SECONDS } from '../constants';
import { acknowledgeServerless, SERVERLESS_REASONS } from '../nag';

export interface HubQueueProps {
  readonly spec: QueueSpec;
  /** Customer-managed key of the party that uses the queue; the DLQ shares it so that the party can read it. */
  readonly encryptionKey: kms.IKey;
  /** Physical names, only for what a party names in its own policies (infra/naming.ts); CloudFormation names the rest. */
  readonly queueName?: string;
  readonly deadLetterQueueName?: string;
  /** The largest message the queue accepts (SQS's default and maximum: 1 MiB); the DLQ takes what the queue took. */
  readonly maxMessageSizeBytes?: number;
}

/**
 * A queue of the topology and its dead-letter queue, both SSE-KMS with a customer-managed key,
 * TLS-only, long-polled, with the topology's retention and visibility timeout (at least six times
 * the consumer's timeout) and a redrive after five receives.
 *
 * The DLQ keeps messages 14 days, the SQS maximum. AWS advises a DLQ retention longer than its
 * source's because a standard queue's message keeps its original enqueue time in the DLQ; the
 * recipients' queues already keep 14 days (return-flows §5), so their DLQ cannot keep longer.
 * The safeguards are the "DLQ not empty" alarm, raised within minutes of the first dead letter,
 * and the archive, from which an operator re-delivers any batch (README.md, Deployment).
 */
export class HubQueue extends Construct {
  readonly spec: QueueSpec;
  readonly deadLetterSpec: QueueSpec;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: HubQueueProps) {
    super(scope, id);
    this.spec = props.spec;
    this.deadLetterSpec = deadLetterQueueOf(props.spec);
    if (props.spec.maxReceiveCount !== MAX_RECEIVE_COUNT) {
      throw new Error(
        `${props.spec.name}: maxReceiveCount ${props.spec.maxReceiveCount}, AWS guidance and the hub use ${MAX_RECEIVE_COUNT}`,
      );
    }
    if (this.deadLetterSpec.retentionSeconds < props.spec.retentionSeconds) {
      throw new Error(`${props.spec.name}: its DLQ would keep messages shorter than the queue itself`);
    }
    const common = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      receiveMessageWaitTime: Duration.seconds(RECEIVE_WAIT_SECONDS),
      removalPolicy: RemovalPolicy.RETAIN,
    } satisfies sqs.QueueProps;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...common,
      queueName: props.deadLetterQueueName,
      retentionPeriod: Duration.seconds(this.deadLetterSpec.retentionSeconds),
      visibilityTimeout: Duration.seconds(this.deadLetterSpec.visibilityTimeoutSeconds),
    });
    acknowledgeServerless(this.deadLetterQueue, 'SQSRedrivePolicy', SERVERLESS_REASONS.dlqHasNoDlq);
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      queueName: props.queueName,
      retentionPeriod: Duration.seconds(props.spec.retentionSeconds),
      visibilityTimeout: Duration.seconds(props.spec.visibilityTimeoutSeconds),
      ...(props.maxMessageSizeBytes === undefined ? {} : { maxMessageSizeBytes: props.maxMessageSizeBytes }),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.spec.maxReceiveCount },
    });
  }
}
