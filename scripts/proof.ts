/**
 * `npm run proof -- (--file <path> | --stdin | --message-id <id> --sha256 <hex>) [--json]`: did the
 * hub send exactly this message, to whom and when (return-flows §5, the proof of each delivery)?
 * Give the message body as a recipient received it (a file, or standard input: its bytes exactly,
 * a line end added or removed is another body), or its `messageId` and the SHA-256 of its body.
 * Answers SENT (exit 0), ALTERED (a message with this id was sent, but not this body: exit 3) or
 * NOT SENT (no proof of a message with this id, or past its retention: exit 4). Reads the
 * delivery-proofs table with the standard AWS settings (TABLE_DELIVERY_PROOFS for the deployed
 * table; AWS_ENDPOINT_URL_DYNAMODB for the local stand-in). The body is only hashed: nothing of it
 * is printed. The check is the operator-proof function's (shared/domain/operations/proofs.ts).
 */
import { readFile } from 'node:fs/promises';
import { text as readStream } from 'node:stream/consumers';
import { pathToFileURL } from 'node:url';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { DynamoDeliveryProofs } from '../shared/adapters/dynamo-delivery-proofs';
import { readConfig, text } from '../shared/configuration/read-config';
import { checkProof, type ProofQuery, type ProofVerdict, proofQueryOf } from '../shared/domain/operations/proofs';
import { TABLES } from '../shared/topology';
import { checkedAsUsage, parseCommandLine, runCommand, UsageError } from './lib/cli';

const USAGE = 'usage: npm run proof -- (--file <message body> | --stdin | --message-id <id> --sha256 <hex>) [--json]';

/** The exit code of each verdict: a script can tell them apart. */
export const PROOF_EXIT_CODES: Readonly<Record<ProofVerdict, number>> = { SENT: 0, ALTERED: 3, NOT_SENT: 4 };

/** Where the message comes from, as the command line says. */
export type ProofSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stdin' }
  | { readonly kind: 'digest'; readonly messageId: string; readonly sha256: string };

/** Reads the command line. @throws UsageError on anything the usage does not allow */
export function parseProofArgs(argv: readonly string[]): { readonly source: ProofSource; readonly json: boolean } {
  const { values } = parseCommandLine(argv, {
    usage: USAGE,
    options: {
      file: { type: 'string' },
      stdin: { type: 'boolean', default: false },
      'message-id': { type: 'string' },
      sha256: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const json = values.json ?? false;
  const given = [values.file !== undefined, values.stdin === true, values['message-id'] !== undefined || values.sha256 !== undefined];
  if (given.filter(Boolean).length !== 1) throw new UsageError('give one of --file, --stdin, or --message-id with --sha256');
  if (values.file !== undefined) return { source: { kind: 'file', path: values.file }, json };
  if (values.stdin === true) return { source: { kind: 'stdin' }, json };
  const query = checkedAsUsage(() => proofQueryOf({ messageId: values['message-id'], sha256: values.sha256 }));
  return { source: { kind: 'digest', ...query }, json };
}

/** The message to check, its body read (as UTF-8, exactly) and hashed. @throws UsageError when the body is no message of the hub */
export async function proofQueryFrom(source: ProofSource, stdin: NodeJS.ReadableStream = process.stdin): Promise<ProofQuery> {
  if (source.kind === 'digest') return { messageId: source.messageId, sha256: source.sha256 };
  const body = source.kind === 'file' ? await readFile(source.path, 'utf8') : await readStream(stdin);
  return checkedAsUsage(() => proofQueryOf({ body }));
}

async function main(): Promise<number> {
  const args = parseProofArgs(process.argv.slice(2));
  const query = await proofQueryFrom(args.source);
  const { [TABLES.deliveryProofs.env]: table } = readConfig({ [TABLES.deliveryProofs.env]: text().default(TABLES.deliveryProofs.name) });
  const answer = await checkProof(query, new DynamoDeliveryProofs(dynamoDocumentClient(), table), new Date());
  process.stdout.write(args.json ? `${JSON.stringify(answer, null, 2)}\n` : `${answer.summary}\n`);
  return PROOF_EXIT_CODES[answer.verdict];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await runCommand(USAGE, main);
