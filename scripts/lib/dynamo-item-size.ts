import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * The size of a DynamoDB item as DynamoDB counts it (Amazon DynamoDB Developer Guide, "DynamoDB
 * item sizes and formats"): the UTF-8 bytes of each attribute's name plus its value's size. A
 * string is its UTF-8 bytes; a number one byte per two significant digits plus one; a binary its raw
 * bytes; a boolean or null one byte; a list or map 3 bytes plus its elements, each one byte more;
 * a set the sum of its members. Storage adds 100 bytes an item for indexing, not counted here.
 */
export function dynamoItemSize(item: Readonly<Record<string, AttributeValue>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  return size;
}

function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return (value.B as Uint8Array).length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (value.M !== undefined)
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k, 'utf8') + valueSize(v), 0);
  return 0;
}

/** The part of an item a global index keeps: the table's keys, the index's keys and the included attributes (all when `include` is absent). */
export function projectedItem(
  item: Readonly<Record<string, AttributeValue>>,
  keys: readonly string[],
  include: readonly string[] | undefined,
): Record<string, AttributeValue> {
  if (include === undefined) return { ...item };
  const projected: Record<string, AttributeValue> = {};
  for (const name of [...keys, ...include]) {
    const value = item[name];
    if (value !== undefined) projected[name] = value;
  }
  return projected;
}
