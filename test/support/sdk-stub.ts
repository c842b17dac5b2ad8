/**
 * Stands in for an AWS service inside one SDK client, below the client's retry middleware: unlike
 * aws-sdk-client-mock (which replaces `send`), the client's own retry strategy still runs, so a
 * test can prove which retries the SDK makes and which our code makes.
 */

/** What the stub answers a command: its output, or an error thrown as the service's. */
export type ServiceAnswer = (command: string, input: Record<string, unknown>) => unknown;

export interface ServiceStub {
  /** Every attempt that reached the service, the SDK's retries included, in order. */
  readonly attempts: Array<{ readonly command: string; readonly input: Record<string, unknown> }>;
  /** What the service answers from now on. */
  answer: ServiceAnswer;
  /** Takes the stub out: the client talks to its endpoint again. */
  remove(): void;
}

/** The part of an SDK client the stub needs; every v3 client has it. */
interface StubbableClient {
  readonly middlewareStack: { add(middleware: never, options: never): void; remove(name: string): boolean };
}

type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: unknown; response: unknown }>;
type Middleware = (next: Handler, context: { commandName: string }) => Handler;

const NAME = 'testServiceStub';

/** An error as the SDK raises it for a service's answer: a name, an HTTP status, no retry hint. */
export function serviceError(name: string, httpStatusCode: number, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

/**
 * Answers `client`'s commands with `answer` instead of sending them. The client needs a region and
 * credentials (requests are still built and signed), never a reachable endpoint.
 */
export function stubService(client: StubbableClient, answer: ServiceAnswer): ServiceStub {
  const stack = client.middlewareStack as unknown as { add(m: Middleware, o: object): void; remove(name: string): boolean };
  const stub: ServiceStub = {
    attempts: [],
    answer,
    remove: () => void stack.remove(NAME),
  };
  const middleware: Middleware = (_next, context) => async (args) => {
    stub.attempts.push({ command: context.commandName, input: args.input });
    const output = (await stub.answer(context.commandName, args.input)) as Record<string, unknown>;
    return { output: { ...output, $metadata: {} }, response: {} };
  };
  // The deserialize step runs inside the retry middleware (finalizeRequest), once per attempt.
  stack.add(middleware, { step: 'deserialize', name: NAME, priority: 'high' });
  return stub;
}
