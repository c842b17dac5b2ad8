import { type ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalHandler } from '../../local/event-source-mapping';
import type { FunctionSpec } from '../../shared/topology';
import type { Invocation, InvocationAnswer } from './child/handler-process';

/**
 * A function run as Lambda runs it, in an execution environment of its own: a Node 24 process
 * (the pinned `node_modules/.bin/node`, TypeScript through tsx) that imports the function's entry
 * unchanged, with the test process's environment (the stand-in's variables) and the functions'
 * clock (shared/ports.ts) set to the stand-in's for each invocation. It serves invocations one at
 * a time, warm, as Lambda's environments do; `kill()` ends it with SIGKILL half-way through one, as a crash would,
 * and the next invocation starts a fresh process.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

/** The niceness of the fault and crash tests' processes: they are the suite's heaviest and have no hurry. */
export const LOWER_PRIORITY = 10;

interface Environment {
  readonly child: ChildProcess;
  stderr: string;
}

export class HandlerProcess {
  #environment: Environment | undefined;
  /** A process started and initialised ahead, as Lambda keeps environments ready: the next one after a crash. */
  #spare: Environment | undefined;
  #next = 0;
  /** Processes started so far. */
  started = 0;
  /** Invocations ended by a kill. */
  killed = 0;

  constructor(
    private readonly spec: FunctionSpec,
    private readonly region: string,
    /** How far the stand-in's clock is ahead of the process's, in milliseconds. */
    private readonly clockOffsetMs: () => number,
  ) {}

  /** The handler the stand-in's event source mapping calls. */
  readonly handler: LocalHandler = (event) => {
    const environment = this.#environment ?? this.#takeSpare();
    const { child } = environment;
    const invocation: Invocation = {
      id: ++this.#next,
      region: this.region,
      clockOffsetMs: Math.round(this.clockOffsetMs()),
      event,
    };
    return new Promise((resolve, reject) => {
      const onMessage = (message: InvocationAnswer): void => {
        if (message.id !== invocation.id) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        if ('result' in message) resolve(message.result);
        else reject(new Error(`${this.spec.name} threw: ${message.error}`));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        child.off('message', onMessage);
        if (signal === 'SIGKILL') this.killed += 1;
        reject(new Error(`${this.spec.name}'s process ended (${signal ?? `exit ${code}`}) during an invocation\n${environment.stderr}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(invocation);
    });
  };

  /** Kills the running process with SIGKILL; false if none runs. */
  kill(): boolean {
    return this.#environment?.child.kill('SIGKILL') ?? false;
  }

  /** Ends the warm process and the spare, if they run. */
  stop(): void {
    this.#environment?.child.kill('SIGKILL');
    this.#spare?.child.kill('SIGKILL');
  }

  /** The spare becomes the environment (started now if there is none), and a new spare starts. */
  #takeSpare(): Environment {
    const environment = this.#spare ?? this.#start();
    this.#environment = environment;
    this.#spare = this.#start();
    return environment;
  }

  #start(): Environment {
    this.started += 1;
    const args = ['--import', 'tsx', './test/support/child/handler-process.ts', this.spec.name];
    const child = spawn(NODE, args, {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    // The crash tests' processes yield the CPU to the rest of the suite, whose tests have timeouts.
    if (child.pid !== undefined) setPriority(child.pid, LOWER_PRIORITY);
    const environment: Environment = { child, stderr: '' };
    child.stderr?.on('data', (chunk: Buffer) => {
      environment.stderr = (environment.stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', () => {
      if (this.#environment === environment) this.#environment = undefined;
      if (this.#spare === environment) this.#spare = undefined;
    });
    return environment;
  }
}
