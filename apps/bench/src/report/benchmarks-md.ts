import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the text between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` in a
 * Markdown file, as keyv's bigmap benchmark does in its README: the prose around the markers is
 * written by hand, the figures between them only by the harness.
 */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(`markers ${start} … ${end} not found (in this order); add them where the ${name} results belong`);
  }
  return `${text.slice(0, from + start.length)}\n${content.trim()}\n${text.slice(to)}`;
}

export function updateMarkdownFile(path: string, sections: ReadonlyMap<string, string>): void {
  let text = readFileSync(path, 'utf8');
  for (const [name, content] of sections) text = replaceBetweenMarkers(text, name, content);
  writeFileSync(path, text);
}
