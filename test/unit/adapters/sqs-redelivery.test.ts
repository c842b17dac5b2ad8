import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentFailure } from '../../../shared/adapters/retry-policy';
import { NotAnS3NotificationError } from '../../../shared/adapters/s3-notification';
import { receiveCountOf, withRedelivery } from '../../../shared/adapters/sqs-redelivery';
import { sqsRecord } from '../../support/sqs-records';

const ARN = 'arn:aws:sqs:eu-west-1:111122223333:inbound-vdab';
const URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/inbound-vdab';
const sqs = new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const sqsMock = mockClient(sqs);

const options = {
  backoff: { baseMs: 300_000, maxMs: 3_600_000 },
  queueUrlOf: (arn: string) => (arn === ARN ? URL : undefined),
  sqs,
  random: () => 0,
};

const visibilityChanges = () => sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
});

describe('a failed record, redelivered by the backoff', () => {
  it.each([
    [1, 300],
    [2, 600],
    [3, 1_200],
    [4, 2_400],
    [5, 3_600],
    [9, 3_600],
  ])('after its receive %i, waits %i s before SQS delivers it again', async (receiveCount, seconds) => {
    const record = sqsRecord('{}', ARN, { receiveCount });
    const failing = withRedelivery(async () => {
      throw new Error('ThrottlingException');
    }, options);

    await expect(failing(record)).rejects.toThrow('ThrottlingException');

    expect(visibilityChanges()).toEqual([{ QueueUrl: URL, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }]);
  });

  it('spreads messages that fail together over at most a tenth more', async () => {
    const record = sqsRecord('{}', ARN, { receiveCount: 2 });
    const failing = withRedelivery(
      async () => {
        throw new Error('down');
      },
      { ...options, random: () => 0.999 },
    );
    await expect(failing(record)).rejects.toThrow('down');
    expect(visibilityChanges()[0]?.VisibilityTimeout).toBe(660);
  });

  it('sends a failure no retry cures at once toward its dead-letter queue (visibility 0), whatever its receive', async () => {
    for (const error of [new PermanentFailure('not a channel'), new NotAnS3NotificationError('not JSON')]) {
      const record = sqsRecord('{}', ARN, { receiveCount: 1 });
      await expect(
        withRedelivery(async () => {
          throw error;
        }, options)(record),
      ).rejects.toBe(error);
    }
    expect(visibilityChanges().map((c) => c.VisibilityTimeout)).toEqual([0, 0]);
  });

  it('leaves a record that succeeded alone, and answers what the handler answered', async () => {
    const record = sqsRecord('{}', ARN);
    expect(await withRedelivery(async () => 'done', options)(record)).toBe('done');
    expect(visibilityChanges()).toEqual([]);
  });

  it('still fails the record with its own error when SQS refuses the visibility change (the queue’s timeout applies)', async () => {
    sqsMock.on(ChangeMessageVisibilityCommand).rejects(new Error('SQS is down too'));
    const record = sqsRecord('{}', ARN, { receiveCount: 2 });
    await expect(
      withRedelivery(async () => {
        throw new Error('DynamoDB is down');
      }, options)(record),
    ).rejects.toThrow('DynamoDB is down');
    expect(visibilityChanges()).toHaveLength(1);
  });

  it('changes nothing for a record of a queue it has no URL for', async () => {
    const record = sqsRecord('{}', 'arn:aws:sqs:eu-west-1:111122223333:elsewhere');
    await expect(
      withRedelivery(async () => {
        throw new Error('x');
      }, options)(record),
    ).rejects.toThrow('x');
    expect(visibilityChanges()).toEqual([]);
  });

  it('reads the receive count SQS gave, 1 when it gave none', () => {
    expect(receiveCountOf(sqsRecord('{}', ARN, { receiveCount: 4 }))).toBe(4);
    expect(receiveCountOf({ ...sqsRecord('{}', ARN), attributes: {} } as never)).toBe(1);
  });
});
