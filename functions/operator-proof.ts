import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { DynamoDeliveryProofs } from '../shared/adapters/dynamo-delivery-proofs';
import { type FunctionConfig, readFunctionConfig } from '../shared/configuration/function-config';
import { answerOperator, auditLogOf, invocationOf, type ParsedRequest } from '../shared/domain/operations/operator-tool';
import { type ProofDeps, type ProofRequest, proofRequestSchema, proofTool } from '../shared/domain/operations/proofs';
import { logger } from '../shared/observability';
import { functionClock } from '../shared/ports';
import { FUNCTIONS } from '../shared/topology';

/**
 * operator-proof: did the hub send exactly this message, to whom and when (return-flows §5, the
 * proof of each delivery), invoked from the console's Test tab or `aws lambda invoke` with
 * `{"body": "<the message body, as a JSON string>"}` or `{"messageId": "…", "sha256": "<64 hex>"}`.
 * Read only; the body is hashed, never kept, answered or audited. Configuration and adapters are
 * built once per cold start.
 */

export type OperatorProofConfig = FunctionConfig<(typeof FUNCTIONS.operatorProof)['uses']>;

/** The AWS adapters of operator-proof, from its configuration. */
export function operatorProofDependencies(config: OperatorProofConfig): ProofDeps {
  return { proofs: new DynamoDeliveryProofs(dynamoDocumentClient(), config.tables.deliveryProofs), clock: functionClock };
}

const tool = proofTool(operatorProofDependencies(readFunctionConfig(FUNCTIONS.operatorProof)));
const audit = auditLogOf(logger);

export const handler = middy((event: ParsedRequest<ProofRequest>, context: Context) =>
  answerOperator(tool, event, invocationOf(context), audit),
)
  .use(injectLambdaContext(logger))
  .use(parser({ schema: proofRequestSchema, safeParse: true }));
