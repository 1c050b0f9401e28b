/**
 * Text that FleetOps did not write (log cells, column names, alert rules and descriptions,
 * device ids and tags, pipeline names) as a card shows it: literally. Teams renders
 * markdown in TextBlocks, facts and table cells, so `[Approve rollout R7](http://evil…)`
 * in a log line became a live link beside our own buttons. Every markdown character is
 * escaped; only the links FleetOps builds itself are links.
 */
const INLINE = /[\\`*_~[\]<]/g;
/** Lists, headings and quotes start a line, with a space after the marker: `- x`, `+ x`, `1. x`, `# x`, `> x`. */
const BLOCK_MARKER = /^([ \t]*)([-+#>])(?=[ \t]|$)/gm;
const NUMBERED = /^([ \t]*\d+)([.)])(?=[ \t]|$)/gm;

export function plain(text: string): string {
  return text.replace(INLINE, '\\$&').replace(BLOCK_MARKER, '$1\\$2').replace(NUMBERED, '$1\\$2');
}

/** Text FleetOps did not write (a filter as typed, a target as Azure named it), shown literally in a code span; escaped instead where a backtick or a line break would end the span. */
export function literal(text: string): string {
  return /[`\r\n]/.test(text) ? plain(text) : `\`${text}\``;
}
