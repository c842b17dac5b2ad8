import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { disclosureKeyReader } from '../shared/adapters/disclosure-key';
import { DynamoDisclosures } from '../shared/adapters/dynamo-disclosures';
import { type FunctionConfig, readFunctionConfig } from '../shared/configuration/function-config';
import {
  type DisclosuresDeps,
  type DisclosuresRequest,
  disclosuresRequestSchema,
  disclosuresTool,
} from '../shared/domain/operations/disclosures';
import { answerOperator, auditLogOf, invocationOf, type ParsedRequest } from '../shared/domain/operations/operator-tool';
import { logger } from '../shared/observability';
import { functionClock } from '../shared/ports';
import { FUNCTIONS } from '../shared/topology';

/**
 * operator-disclosures: which recipients received data about a person, when, in which batch and
 * under which regulation and legal basis (return-flows §4; GDPR art. 15), invoked from the
 * console's Test tab or `aws lambda invoke` with `{"insz": "85.07.30-033.28", "recipient": "VDAB"}`
 * (`recipient` optional). Read only; the INSZ is answered and audited masked (and audited as its
 * keyed hash), never in clear. Configuration and adapters are built once per cold start.
 */

export type OperatorDisclosuresConfig = FunctionConfig<(typeof FUNCTIONS.operatorDisclosures)['uses']>;

/** The AWS adapters of operator-disclosures, from its configuration. */
export function operatorDisclosuresDependencies(config: OperatorDisclosuresConfig): DisclosuresDeps {
  return {
    disclosures: new DynamoDisclosures(dynamoDocumentClient(), {
      disclosures: config.tables.disclosures,
      paymentLines: config.tables.paymentLines,
    }),
    disclosureKey: disclosureKeyReader(config.disclosureKey),
    clock: functionClock,
  };
}

const tool = disclosuresTool(operatorDisclosuresDependencies(readFunctionConfig(FUNCTIONS.operatorDisclosures)));
const audit = auditLogOf(logger);

export const handler = middy((event: ParsedRequest<DisclosuresRequest>, context: Context) =>
  answerOperator(tool, event, invocationOf(context), audit),
)
  .use(injectLambdaContext(logger))
  .use(parser({ schema: disclosuresRequestSchema, safeParse: true }));
