import { describe, expect, it } from 'vitest';
import { documentationFiles, readDoc } from '../../support/docs';

const SCRIPTS = Object.keys((JSON.parse(readDoc('package.json')) as { scripts: Record<string, string> }).scripts);

/** Every script a text names: `npm run <name>`, and the `npm start` / `npm test` shorthands. */
function scriptsNamedIn(text: string): string[] {
  const run = [...text.matchAll(/\bnpm run ([a-z][\w:.-]*[a-z0-9])/g)].map((m) => m[1] as string);
  const shorthand = [...text.matchAll(/\bnpm (start|test)\b/g)].map((m) => m[1] as string);
  return [...new Set([...run, ...shorthand])];
}

describe('the npm scripts the documentation names', () => {
  it('finds the scripts in a text, shorthands included, and nothing that is not one', () => {
    expect(scriptsNamedIn('`npm run asyncapi:html -- --out F`, then npm start and `npm test`; npm run <script>').sort()).toEqual([
      'asyncapi:html',
      'start',
      'test',
    ]);
  });

  it.each(documentationFiles())('%s names only scripts that package.json has', (file) => {
    const named = scriptsNamedIn(readDoc(file));
    expect(named.length, `${file} names no npm script`).toBeGreaterThan(0);
    expect(named.filter((name) => !SCRIPTS.includes(name))).toEqual([]);
  });

  it('covers README.md and the six pages of docs/', () => {
    expect(documentationFiles()).toEqual([
      'README.md',
      'docs/benchmark.md',
      'docs/deployers.md',
      'docs/design.md',
      'docs/operators.md',
      'docs/pps.md',
      'docs/region.md',
    ]);
  });
});
