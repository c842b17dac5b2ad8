import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * What the consumer remembers across restarts, on disk under `<out>/.consumer/`: the `messageId`
 * of every message it has finished with (its batch written, its answer printed, or kept aside).
 * A message received again with one of them is a duplicate: dropped, and deleted from the queue.
 */
export class DeliveredMessageIds {
  private constructor(
    private readonly path: string,
    private readonly ids: Set<string>,
  ) {}

  /** Reads the ids remembered in `outDir`, or none on a first run. */
  static async open(outDir: string): Promise<DeliveredMessageIds> {
    const path = join(outDir, '.consumer', 'delivered-message-ids.txt');
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    // A line cut short by a crash has no newline yet: it is not remembered, so its message is taken again.
    const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    return new DeliveredMessageIds(path, new Set(complete.split('\n').filter((line) => line !== '')));
  }

  has(messageId: string): boolean {
    return this.ids.has(messageId);
  }

  get size(): number {
    return this.ids.size;
  }

  /** Remembers the ids, on disk (flushed) before it returns. */
  async remember(messageIds: readonly string[]): Promise<void> {
    const fresh = messageIds.filter((id) => !this.ids.has(id));
    if (fresh.length === 0) return;
    const file = await open(this.path, 'a');
    try {
      await file.write(fresh.map((id) => `${id}\n`).join(''));
      await file.sync();
    } finally {
      await file.close();
    }
    for (const id of fresh) this.ids.add(id);
  }
}

/** Writes a file whole or not at all: a temporary file in the same directory, flushed, then renamed over the name. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${randomUUID()}.tmp`);
  const file = await open(temporary, 'w');
  try {
    await file.write(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}
