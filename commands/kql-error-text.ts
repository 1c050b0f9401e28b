/**
 * A KQL error as a chat message: what is wrong, where, "did you mean", and the query line
 * with its caret hard-wrapped, so the code block is never cut off at the right edge.
 */

/** Code blocks do not wrap in Teams: lines of the query are cut at this width, the caret with them. */
export const CODE_WIDTH = 60;

export interface KqlErrorView {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** The offending line, a newline, then spaces and `^` under the mistake. */
  readonly caret: string;
  readonly suggestions: readonly string[];
}

export function kqlErrorText(view: KqlErrorView): string {
  const [text = '', marks = ''] = view.caret.split('\n');
  const from = marks.indexOf('^');
  const to = from < 0 ? -1 : marks.lastIndexOf('^') + 1;
  const lines: string[] = [];
  for (const [start, end] of wrapPoints(text, CODE_WIDTH)) {
    lines.push(text.slice(start, end));
    const a = Math.max(from, start);
    const b = Math.min(to, end);
    if (from >= 0 && a < b) lines.push(`${' '.repeat(a - start)}${'^'.repeat(b - a)}`);
  }
  const hint = view.suggestions.length > 0 ? `\n\nDid you mean ${view.suggestions.map((s) => `\`${s}\``).join(' or ')}?` : '';
  return `${view.message} (line ${view.line}, column ${view.column})${hint} \`logs schema\` lists the tables and columns.\n\n\`\`\`\n${lines.join('\n')}\n\`\`\``;
}

/** The word under the caret (for "did you mean" when the message does not name it). */
export function caretWord(caret: string): string | undefined {
  const [text = '', marks = ''] = caret.split('\n');
  const from = marks.indexOf('^');
  if (from < 0) return undefined;
  return /^[A-Za-z_][\w-]*/.exec(text.slice(from))?.[0];
}

/** [start, end) of each piece of `text` no wider than `width`, broken after a space or `|` where possible. */
function wrapPoints(text: string, width: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let start = 0;
  while (text.length - start > width) {
    const window = text.slice(start, start + width);
    const breakAt = Math.max(window.lastIndexOf(' '), window.lastIndexOf('|'));
    const end = breakAt > width / 3 ? start + breakAt + 1 : start + width;
    pieces.push([start, end]);
    start = end;
  }
  pieces.push([start, text.length]);
  return pieces;
}
