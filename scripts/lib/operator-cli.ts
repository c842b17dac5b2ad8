import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import {
  AUDIT_MESSAGE,
  type AuditLog,
  answerOperator,
  type OperatorAnswer,
  type OperatorTool,
} from '../../shared/domain/operations/operator-tool';
import { UsageError } from './cli';

/**
 * A move-only operator tool run from a terminal, as its function runs it in the console: the same
 * tool (shared/domain/operations), the same audit line (`operator tool used`), written on stderr
 * so that the terminal's transcript keeps it, with the local user as the caller. A request the tool
 * refuses is a wrong command line (exit 64).
 */
export async function runOperatorTool<Request, Answer extends { readonly summary: string }>(
  tool: OperatorTool<Request, Answer>,
  request: Request,
  json: boolean,
  write: (text: string) => void = (text) => void process.stdout.write(text),
  audit: AuditLog = stderrAuditLog(),
): Promise<OperatorAnswer<Answer>> {
  const answer = await answerOperator(
    tool,
    { success: true, data: request },
    { requestId: randomUUID(), caller: `cli:${userInfo().username}` },
    audit,
  );
  if (!answer.ok) throw new UsageError(answer.error);
  write(json ? `${JSON.stringify(answer, null, 2)}\n` : `${answer.summary}\n`);
  return answer;
}

/** One JSON line per use on stderr, with the message the functions' audit lines have. */
export function stderrAuditLog(): AuditLog {
  return { record: (entry) => void process.stderr.write(`${JSON.stringify({ level: 'INFO', message: AUDIT_MESSAGE, audit: entry })}\n`) };
}
