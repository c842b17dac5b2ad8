import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The SDK clients, one of each per process, created on first use so that configuration
 * (region, the standard `AWS_ENDPOINT_URL_*` variables) is read when it is needed. The code does
 * not know whether it talks to AWS or to the local stand-in: only the endpoint differs.
 */

let s3: S3Client | undefined;
let sqs: SQSClient | undefined;
let dynamo: DynamoDBDocumentClient | undefined;

export function s3Client(): S3Client {
  s3 ??= new S3Client({});
  return s3;
}

export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}

/** Forgets the clients, so that a test that moved the endpoints gets new ones. */
export function resetAwsClients(): void {
  s3 = undefined;
  sqs = undefined;
  dynamo = undefined;
}
