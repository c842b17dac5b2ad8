/**
 * What the operators' tools have in common, whether an operator runs them on a laptop (`npm run
 * disclosures`, `refused`, `redeliver`, `proof`) or invokes them in the AWS console (functions/operator-*.ts):
 * a request checked before anything is read, an answer with no national number in clear, and an
 * audit line for every use, answered, refused or failed.
 */

/** The name of each tool, as its audit line says it. */
export type OperatorToolName = 'redeliver' | 'disclosures' | 'refused-messages' | 'proof';

/** A request the tool will not run: the operator is told why, in words that repeat no value of it. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

/**
 * What an operator asked, as the audit line may hold it: never a national number in clear (an
 * INSZ only masked, or as the keyed hash the record of disclosures is keyed by).
 */
export type AuditedRequest = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** The audit line of one use of a tool. */
export interface AuditEntry {
  readonly tool: OperatorToolName;
  /**
   * Lambda's request id of the invocation. Lambda does not tell a function who invoked it: the
   * CloudTrail data event of the `Invoke` call names the caller (README, "Operator tools in the console").
   */
  readonly requestId: string;
  /** The caller's identity when the invocation carries one (a Cognito identity); absent otherwise. */
  readonly caller?: string;
  /** `answered`, `refused` (an invalid request: nothing was read) or `failed` (an error; the invocation fails). */
  readonly outcome: 'answered' | 'refused' | 'failed';
  readonly asked: AuditedRequest;
  /** How many results the answer holds (disclosures, refused messages, messages sent again); 0 unless answered. */
  readonly results: number;
  /** Why it was refused or failed. */
  readonly reason?: string;
}

/** Where audit lines go: a port, so that the domain knows no logger. */
export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** The message of every audit line, to filter on in CloudWatch Logs Insights. */
export const AUDIT_MESSAGE = 'operator tool used';

/** An audit log over a structured logger (the hub's Powertools logger): one INFO line per use. */
export function auditLogOf(log: { info(message: string, ...extra: Array<Record<string, unknown>>): void }): AuditLog {
  return { record: (entry) => log.info(AUDIT_MESSAGE, { audit: entry }) };
}

/** Who invoked, as far as the invocation says: Lambda's context. */
export interface Invocation {
  readonly requestId: string;
  readonly caller?: string;
}

/** Lambda's context as the tools read it (`aws-lambda`'s `Context` has these fields). */
export interface InvocationContext {
  readonly awsRequestId: string;
  readonly identity?: { readonly cognitoIdentityId?: string } | undefined;
}

/** The invocation of a Lambda context: its request id, and the caller only when Lambda gives one. */
export function invocationOf(context: InvocationContext): Invocation {
  const caller = context.identity?.cognitoIdentityId;
  return { requestId: context.awsRequestId, ...(caller ? { caller } : {}) };
}

/** A request checked and ready to run: what the audit line says was asked, and the work. */
export interface PreparedRequest<Answer> {
  readonly asked: AuditedRequest;
  run(): Promise<{ readonly answer: Answer; readonly results: number }>;
}

/** A tool: checks a request (throwing {@link InvalidRequestError}), then runs it. */
export interface OperatorTool<Request, Answer> {
  readonly name: OperatorToolName;
  prepare(request: Request): Promise<PreparedRequest<Answer>> | PreparedRequest<Answer>;
}

/** An event as a schema parsed it (Powertools parser's `safeParse` result has this shape). */
export type ParsedRequest<Request> =
  | { readonly success: true; readonly data: Request }
  | { readonly success: false; readonly error: Error & { readonly cause?: unknown } };

/** What the operator reads: the answer, or why the request was refused. */
export type OperatorAnswer<Answer> = ({ readonly ok: true } & Answer) | { readonly ok: false; readonly error: string };

/** One line per problem of an event that did not parse: the field and the rule, never the value. */
export function describeParseError(error: Error & { readonly cause?: unknown }): string {
  const issues = Array.isArray(error.cause) ? (error.cause as Array<{ message?: unknown; path?: unknown }>) : [];
  if (issues.length === 0) return 'the event is not a request of this tool';
  return issues
    .map((issue) => {
      const path = Array.isArray(issue.path)
        ? issue.path.map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))).join('.')
        : '';
      return `${path === '' ? 'event' : path}: ${String(issue.message)}`;
    })
    .join('; ');
}

/**
 * Answers one invocation of a tool and writes its audit line. An event that did not parse, or a
 * request the tool refuses, is answered `{ ok: false, error }`: the operator's to mend, not a
 * failure of the function. Any other error is audited as `failed` and thrown, so that the
 * invocation fails (and the function's Errors alarm sees it).
 */
export async function answerOperator<Request, Answer extends object>(
  tool: OperatorTool<Request, Answer>,
  parsed: ParsedRequest<Request>,
  invocation: Invocation,
  audit: AuditLog,
): Promise<OperatorAnswer<Answer>> {
  const base = { tool: tool.name, ...invocation };
  const refuse = (asked: AuditedRequest, reason: string): OperatorAnswer<Answer> => {
    audit.record({ ...base, outcome: 'refused', asked, results: 0, reason });
    return { ok: false, error: reason };
  };
  if (!parsed.success) return refuse({}, describeParseError(parsed.error));
  let prepared: PreparedRequest<Answer>;
  try {
    prepared = await tool.prepare(parsed.data);
  } catch (error) {
    if (error instanceof InvalidRequestError) return refuse({}, error.message);
    audit.record({ ...base, outcome: 'failed', asked: {}, results: 0, reason: messageOf(error) });
    throw error;
  }
  try {
    const { answer, results } = await prepared.run();
    audit.record({ ...base, outcome: 'answered', asked: prepared.asked, results });
    return { ok: true, ...answer };
  } catch (error) {
    if (error instanceof InvalidRequestError) return refuse(prepared.asked, error.message);
    audit.record({ ...base, outcome: 'failed', asked: prepared.asked, results: 0, reason: messageOf(error) });
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
