import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type AsyncAPIDocumentInterface, DiagnosticSeverity, Parser, stringify } from '@asyncapi/parser';
import { AsyncApiComponentWP } from '@asyncapi/react-component';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { ASYNCAPI_PATH } from './asyncapi';

/**
 * Renders asyncapi.yaml as one self-contained HTML page (no network needed to open it):
 *
 *     npm run asyncapi:html [-- --out out/asyncapi.html]
 *
 * The page is what @asyncapi/html-template makes, without the generator: AsyncAPI's own React
 * component renders the parsed document on the server, and its standalone browser bundle (inlined,
 * with its stylesheet) makes the page interactive. The generator and the CLI were not used: the
 * html-template depends on puppeteer (a browser download at install time) and the generator on
 * its own TypeScript 4, ts-node and npm's installer, which fetches templates at run time.
 */

export const DEFAULT_HTML_PATH = resolve(ASYNCAPI_PATH, '..', 'out', 'asyncapi.html');

const require = createRequire(import.meta.url);
const COMPONENT_DIR = resolve(require.resolve('@asyncapi/react-component'), '..', '..', '..');

/** Parses asyncapi.yaml (its payloads resolved from schemas/), refusing a document with an error or a warning. */
export async function parseAsyncApi(path: string = ASYNCAPI_PATH): Promise<AsyncAPIDocumentInterface> {
  const { document, diagnostics } = await new Parser().parse(await readFile(path, 'utf8'), { source: path });
  const problems = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
  if (document === undefined || problems.length > 0) {
    throw new Error(
      `${path} does not parse cleanly:\n${problems.map((d) => `  ${d.code}: ${d.message} at ${d.path.join('.')}`).join('\n')}`,
    );
  }
  return document;
}

/** JSON for inside a <script> element: no `</script>` or comment opener can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML page of a parsed document. */
export async function renderAsyncApiHtml(document: AsyncAPIDocumentInterface): Promise<string> {
  const config = { show: { sidebar: true }, sidebar: { showOperations: 'byDefault' } };
  const body = renderToString(createElement(AsyncApiComponentWP, { schema: document, config } as never));
  const [css, js] = await Promise.all([
    readFile(resolve(COMPONENT_DIR, 'styles', 'default.min.css'), 'utf8'),
    readFile(resolve(COMPONENT_DIR, 'browser', 'standalone', 'without-parser.js'), 'utf8'),
  ]);
  const title = `${document.info().title()} ${document.info().version()}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    `<div id="root">${body}</div>`,
    `<script>${js.replace(/<\/script/gi, '<\\/script')}</script>`,
    `<script>AsyncApiStandalone.hydrate({ schema: ${scriptJson(stringify(document))}, config: ${scriptJson(config)} }, document.getElementById('root'));</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const run = async (): Promise<void> => {
    const { values } = parseArgs({ options: { out: { type: 'string', default: DEFAULT_HTML_PATH } } });
    const out = resolve(values.out);
    const html = await renderAsyncApiHtml(await parseAsyncApi());
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, html);
    process.stderr.write(`wrote ${out} (${Math.round(Buffer.byteLength(html) / 1024)} KiB)\n`);
  };
  run().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
