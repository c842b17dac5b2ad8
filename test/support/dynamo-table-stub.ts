import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDocumentClient } from '../../shared/adapters/aws-clients';
import { type ServiceStub, serviceError, stubService } from './sdk-stub';

/**
 * One DynamoDB table keyed on `pk`, in memory, behind the SDK stub of a document client: the
 * client's own retries run, so a test can lose the answer to a write that DynamoDB did apply and
 * watch the SDK send it again. It understands what the manifest store sends: `PutItem`,
 * `UpdateItem` (`SET`/`REMOVE`, `ReturnValues: ALL_NEW`) and `GetItem`, with conditions made of
 * `attribute_not_exists(x)` and comparisons (`=`, `<`, `>`) joined by `AND`.
 */

/** An attribute value as DynamoDB's wire format writes it (`{ S: 'x' }`, `{ N: '1' }`, `{ M: {...} }`). */
type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

interface Expressions {
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/** The error the SDK raises when a connection drops before the answer came back: retryable. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
}

/**
 * The stub sits outside the document client's unmarshalling (both are middleware of the one stack),
 * so it answers items as the document client hands them on: plain values.
 */
function plain(value: AttributeValue): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) return Number(value.N);
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('L' in value) return (value.L as AttributeValue[]).map(plain);
  if ('M' in value) return plainItem(value.M as Item);
  throw new Error(`the table stub does not know ${JSON.stringify(value)}`);
}

function plainItem(item: Item): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plain(value)]));
}

function operand(text: string, item: Item | undefined, input: Expressions): AttributeValue | undefined {
  if (text.startsWith(':')) return input.ExpressionAttributeValues?.[text];
  const name = text.startsWith('#') ? input.ExpressionAttributeNames?.[text] : text;
  return name === undefined ? undefined : item?.[name];
}

function scalar(value: AttributeValue | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  if ('N' in value) return Number(value.N);
  return 'S' in value ? String(value.S) : JSON.stringify(value);
}

/** Whether `item` meets a condition of the few forms the stub understands. */
function holds(condition: string | undefined, item: Item | undefined, input: Expressions): boolean {
  if (condition === undefined) return true;
  return condition.split(' AND ').every((term) => {
    const absent = /^attribute_not_exists\((\w+)\)$/.exec(term.trim());
    if (absent) return item?.[absent[1]!] === undefined;
    const comparison = /^(\S+) ([=<>]) (\S+)$/.exec(term.trim());
    if (!comparison) throw new Error(`the table stub does not understand the condition ${term}`);
    const [, left, op, right] = comparison;
    const a = scalar(operand(left!, item, input));
    const b = scalar(operand(right!, item, input));
    if (a === undefined || b === undefined) return false;
    return op === '=' ? a === b : op === '<' ? a < b : a > b;
  });
}

/** Applies `SET a = :x, #b = :y REMOVE c, d` to a copy of `item`. */
function updated(item: Item, expression: string, input: Expressions): Item {
  const next = { ...item };
  const name = (text: string) => (text.startsWith('#') ? (input.ExpressionAttributeNames?.[text] ?? text) : text);
  const [, set = '', remove = ''] = /^(?:SET (.*?))?\s*(?:REMOVE (.*))?$/.exec(expression.trim()) ?? [];
  for (const assignment of set.split(',').filter((a) => a.trim() !== '')) {
    const [path, value] = assignment.split('=').map((part) => part.trim());
    next[name(path!)] = input.ExpressionAttributeValues?.[value!] as AttributeValue;
  }
  for (const path of remove.split(',').filter((p) => p.trim() !== '')) delete next[name(path.trim())];
  return next;
}

function conditionalCheckFailed(): Error {
  return serviceError('ConditionalCheckFailedException', 400, 'The conditional request failed');
}

/** The table, the stubbed client that talks to it, and what the stub saw. */
export interface StubbedTable {
  readonly db: DynamoDBDocumentClient;
  readonly stub: ServiceStub;
  /** The items, by `pk`, as plain values. */
  item(pk: string): Record<string, unknown> | undefined;
  /**
   * Loses the answers of the next `count` calls of `command` (`PutItemCommand`, `UpdateItemCommand`):
   * DynamoDB applies each, then the connection drops and the SDK sends the call again.
   */
  loseAnswers(command: string, count?: number): void;
  /** The commands that reached the table, the SDK's retries included. */
  commands(): string[];
}

/** A fresh table behind a fresh document client with the project's retry policy. */
export function stubbedTable(): StubbedTable {
  const items = new Map<string, Item>();
  const losses = new Map<string, number>();
  const db = createDynamoDocumentClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const answerLost = (command: string) => {
    const left = losses.get(command) ?? 0;
    if (left === 0) return false;
    losses.set(command, left - 1);
    return true;
  };
  const stub = stubService(db, (command, raw) => {
    const input = raw as Expressions & {
      Item?: Item;
      Key?: Item;
      ConditionExpression?: string;
      UpdateExpression?: string;
      ReturnValues?: string;
    };
    const pk = String((input.Item ?? input.Key)?.pk?.S);
    const existing = items.get(pk);
    switch (command) {
      case 'GetItemCommand':
        return existing ? { Item: plainItem(existing) } : {};
      case 'PutItemCommand':
        if (!holds(input.ConditionExpression, existing, input)) throw conditionalCheckFailed();
        items.set(pk, input.Item as Item);
        if (answerLost(command)) throw connectionReset();
        return {};
      case 'UpdateItemCommand': {
        if (!holds(input.ConditionExpression, existing, input)) throw conditionalCheckFailed();
        const next = updated(existing ?? { pk: { S: pk } }, input.UpdateExpression ?? '', input);
        items.set(pk, next);
        if (answerLost(command)) throw connectionReset();
        return input.ReturnValues === 'ALL_NEW' ? { Attributes: plainItem(next) } : {};
      }
      default:
        throw new Error(`the table stub does not answer ${command}`);
    }
  });
  return {
    db,
    stub,
    item: (pk) => {
      const found = items.get(pk);
      return found ? plainItem(found) : undefined;
    },
    loseAnswers: (command, count = 1) => losses.set(command, count),
    commands: () => stub.attempts.map((a) => a.command),
  };
}
