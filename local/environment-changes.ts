/**
 * Sets and restores process environment variables, remembering each one's value before its first
 * change, so that a stopped stand-in leaves the process as it found it.
 */
export class EnvironmentChanges {
  readonly #previous = new Map<string, string | undefined>();

  set(name: string, value: string): void {
    if (!this.#previous.has(name)) this.#previous.set(name, process.env[name]);
    process.env[name] = value;
  }

  unset(name: string): void {
    if (!this.#previous.has(name)) this.#previous.set(name, process.env[name]);
    delete process.env[name];
  }

  restore(): void {
    for (const [name, value] of this.#previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.#previous.clear();
  }
}
