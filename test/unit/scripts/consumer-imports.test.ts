import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The reference consumer is built on the published contract alone, so that a region can copy it:
 * it imports Node, the AWS SDK, ajv and its own files, never the hub's code (shared/, functions/,
 * local/) nor the project's other scripts.
 */

const CONSUMER_DIR = join(import.meta.dirname, '..', '..', '..', 'scripts', 'lib', 'consumer');
const ALLOWED = [/^node:/, /^@aws-sdk\/client-sqs$/, /^ajv(\/dist\/2020)?$/, /^ajv-formats$/, /^\.\/[\w-]+$/];

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] ?? '');
}

describe('the reference consumer', () => {
  const files = readdirSync(CONSUMER_DIR).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s imports nothing of the hub', (file) => {
    const imports = importsOf(readFileSync(join(CONSUMER_DIR, file), 'utf8'));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((specifier) => !ALLOWED.some((pattern) => pattern.test(specifier)))).toEqual([]);
  });

  it('the command adds only the command-line helper', () => {
    const imports = importsOf(readFileSync(join(CONSUMER_DIR, '..', '..', 'consume.ts'), 'utf8'));
    const relative = imports.filter((s) => s.startsWith('.'));
    expect(relative.filter((s) => !s.startsWith('./lib/consumer/'))).toEqual(['./lib/cli']);
    expect(relative).toEqual(expect.arrayContaining(['./lib/consumer/consumer', './lib/consumer/contract']));
  });
});
