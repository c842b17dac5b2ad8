import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { DynamoRefusedMessages } from '../shared/adapters/dynamo-refused-messages';
import { type FunctionConfig, readFunctionConfig } from '../shared/configuration/function-config';
import { answerOperator, auditLogOf, invocationOf, type ParsedRequest } from '../shared/domain/operations/operator-tool';
import {
  type RefusedMessagesDeps,
  type RefusedMessagesRequest,
  refusedMessagesRequestSchema,
  refusedMessagesTool,
} from '../shared/domain/operations/refused-messages';
import { logger } from '../shared/observability';
import { functionClock } from '../shared/ports';
import { FUNCTIONS } from '../shared/topology';

/**
 * operator-refused-messages: the return messages the hub refused and kept for an operator
 * (messages.md), invoked from the console's Test tab or `aws lambda invoke` with
 * `{"channel": "VDAB", "body": true, "limit": 100}` (each optional). Read only; a body is answered
 * with anything shaped like a national number masked. Configuration and adapters are built once
 * per cold start.
 */

export type OperatorRefusedMessagesConfig = FunctionConfig<(typeof FUNCTIONS.operatorRefusedMessages)['uses']>;

/** The AWS adapters of operator-refused-messages, from its configuration. */
export function operatorRefusedMessagesDependencies(config: OperatorRefusedMessagesConfig): RefusedMessagesDeps {
  return { refused: new DynamoRefusedMessages(dynamoDocumentClient(), config.tables.refusedMessages), clock: functionClock };
}

const tool = refusedMessagesTool(operatorRefusedMessagesDependencies(readFunctionConfig(FUNCTIONS.operatorRefusedMessages)));
const audit = auditLogOf(logger);

export const handler = middy((event: ParsedRequest<RefusedMessagesRequest>, context: Context) =>
  answerOperator(tool, event, invocationOf(context), audit),
)
  .use(injectLambdaContext(logger))
  .use(parser({ schema: refusedMessagesRequestSchema, safeParse: true }));
