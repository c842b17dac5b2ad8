import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { MESSAGE_SCHEMAS } from '../shared/messages/registry';

/**
 * Writes one JSON Schema (draft 2020-12) per entry of the message registry to
 * `schemas/<name>.schema.json`, and removes schema files whose entry is gone:
 *
 *     npm run schemas
 *
 * The files are generated, never edited by hand; a unit test fails when they are out of date.
 */

export const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
const SUFFIX = '.schema.json';

/** The `$id` of a published schema. */
export function schemaId(name: string): string {
  return `urn:art60-hub:schema:${name}`;
}

/** The JSON Schema documents of the registry, by schema name. */
export function buildJsonSchemas(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, schema] of Object.entries(MESSAGE_SCHEMAS)) {
    const { $schema, ...body } = z.toJSONSchema(schema as z.ZodType, { target: 'draft-2020-12' }) as Record<string, unknown>;
    out[name] = { $schema, $id: schemaId(name), title: `${name} message (schema version 1)`, ...body };
  }
  return out;
}

/** The text of a schema file: stable key order, two-space indentation, final newline. */
export function schemaFileText(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Writes the schema files to `dir` and deletes the ones no entry names any more. */
export async function writeSchemas(dir: string = SCHEMAS_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const documents = buildJsonSchemas();
  const wanted = new Set(Object.keys(documents).map((name) => `${name}${SUFFIX}`));
  for (const file of await readdir(dir)) {
    if (file.endsWith(SUFFIX) && !wanted.has(file)) await rm(join(dir, file));
  }
  for (const [name, document] of Object.entries(documents)) {
    await writeFile(join(dir, `${name}${SUFFIX}`), schemaFileText(document));
  }
  return [...wanted].sort();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeSchemas()
    .then((files) => process.stderr.write(`wrote ${files.length} schemas to ${SCHEMAS_DIR}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
