import { describe, expect, it } from 'vitest';
import { parseAsyncApi, renderAsyncApiHtml } from '../../../scripts/asyncapi-html';
import { allQueues } from '../../../shared/topology';

/** `npm run asyncapi:html`: one page, readable without a network, that shows every channel and message. */
describe('the HTML documentation of asyncapi.yaml', () => {
  it('renders every channel, operation and message into a self-contained page', async () => {
    const document = await parseAsyncApi();
    const html = await renderAsyncApiHtml(document);
    const root = html.slice(html.indexOf('<div id="root">'), html.indexOf('<script>'));
    // Rendered on the server: the text is there before any script runs.
    for (const queue of allQueues()) expect(root).toContain(queue.name);
    for (const operation of document.operations().all()) expect(root).toContain(operation.id());
    for (const message of document.messages().all()) expect(root).toContain(message.id());
    expect(root).toContain('distinct <code>seq</code>');
    // Nothing to fetch: no external script, stylesheet or font.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
    // The document embedded for the browser bundle cannot close its <script> early.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});
