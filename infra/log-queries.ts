import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTIONS } from '../shared/topology';
import type { HubFunction } from './constructs/hub-function';

/**
 * Saved CloudWatch Logs Insights queries, deployed with the stack (console: CloudWatch → Logs
 * Insights → Queries, folder `art60-hub-<stage>`): what happened to a file, to a decision, to a
 * correction, across the log groups of the functions that handle it. Each line of every function
 * carries the ids it handles (`key` the object key, `batchId`, `channel`, `messageId`,
 * `decisionId`, `correctionId`, `sqsMessageId`, `receiveCount`);
 * the operator replaces the `<…>` value of the query's filter and runs it.
 */

/** What each saved query answers, its filter (its `<…>` to replace), and the functions whose logs it reads. */
export const LOG_QUERIES = [
  {
    name: 'What happened to this file',
    // batch-watch names a stuck batch in a list (`stuckPublishing`): `like` finds it there too.
    filter: 'key = "<monthly/YYYY-MM/name.csv>" or @message like "<batchId>"',
    functions: [FUNCTIONS.splitBatch, FUNCTIONS.operatorRedeliver, FUNCTIONS.batchWatch],
  },
  {
    name: 'What happened to this decision',
    filter: 'decisionId = "<decisionId>" or messageId = "<messageId>"',
    functions: [FUNCTIONS.regionInbound, FUNCTIONS.ppsInbound],
  },
  {
    name: 'What happened to this correction',
    filter: 'correctionId = "<correctionId>" or messageId = "<messageId>"',
    functions: [FUNCTIONS.regionInbound, FUNCTIONS.ppsInbound],
  },
] as const;

/** The fields each query shows, oldest line first. */
export const LOG_QUERY_FIELDS = [
  '@timestamp',
  '@log',
  'level',
  'message',
  'key',
  'batchId',
  'channel',
  'messageType',
  'messageId',
  'decisionId',
  'correctionId',
  'sqsMessageId',
  'receiveCount',
  'code',
  'detail',
  'error.message',
] as const;

export interface LogQueriesProps {
  readonly stageName: string;
  readonly functions: readonly HubFunction[];
}

export class LogQueries extends Construct {
  readonly definitions: logs.QueryDefinition[];

  constructor(scope: Construct, id: string, props: LogQueriesProps) {
    super(scope, id);
    const byName = new Map(props.functions.map((f) => [f.spec.name, f]));
    this.definitions = LOG_QUERIES.map((query, i) => {
      const logGroups = query.functions.map((fn) => {
        const hubFunction = byName.get(fn.name);
        if (hubFunction === undefined) throw new Error(`${query.name}: no function ${fn.name}`);
        return hubFunction.logGroup;
      });
      return new logs.QueryDefinition(this, `Query${i + 1}`, {
        queryDefinitionName: `art60-hub-${props.stageName}/${query.name}`,
        queryString: new logs.QueryString({
          fields: [...LOG_QUERY_FIELDS],
          filterStatements: [query.filter],
          sort: '@timestamp asc',
          limit: 10_000,
        }),
        logGroups,
      });
    });
  }
}
