import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import GithubSlugger from 'github-slugger';
import { PROJECT_ROOT } from '../../infra/hub';

/** The documentation a reader gets: README.md and every page of docs/, as paths from the project's root. */
export function documentationFiles(): string[] {
  const pages = readdirSync(path.join(PROJECT_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...pages];
}

/** One documentation file's text, by its path from the project's root (`docs/operators.md`). */
export function readDoc(file: string): string {
  return readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
}

/** README.md and every page of docs/, one after the other. */
export function readAllDocs(): string {
  return documentationFiles()
    .map((file) => readDoc(file))
    .join('\n');
}

/** The slice of a page from its heading `title` to the next heading of the same or a higher level. */
export function docSection(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '') === title);
  if (start === -1) throw new Error(`no heading "${title}"`);
  const level = /^#+/.exec(lines[start] as string)?.[0].length ?? 1;
  const end = lines.findIndex((line, i) => i > start && /^#{1,6} /.test(line) && (/^#+/.exec(line)?.[0].length ?? 7) <= level);
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

/** The headings of a page outside code blocks, each with the anchor GitHub (and remark-validate-links) gives it. */
export function headings(markdown: string): { level: number; title: string; anchor: string }[] {
  const slugger = new GithubSlugger();
  const found: { level: number; title: string; anchor: string }[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6}) (.+?)\s*#*\s*$/.exec(line);
    if (m) found.push({ level: (m[1] as string).length, title: m[2] as string, anchor: slugger.slug(m[2] as string) });
  }
  return found;
}
