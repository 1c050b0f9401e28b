/**
 * Text FleetOps did not write is shown literally: `logs print x="[Approve rollout R7](http://evil.example/phish)"`
 * rendered a live link in a table cell, and so did column names, alert rules and pipeline
 * names. Only FleetOps' own links (Action.OpenUrl buttons) may be links.
 */
import { plain } from '../../cards/plain';
import { BUILDERS } from './card-builders';

const PHISH = '[Approve rollout R7](http://evil.example/phish)';
/** What reaches the cards from outside: webhooks, device twins, log rows, pipeline events, Teams users' names. */
const EXTERNAL = new Set([
  // alerts
  'rule',
  'description',
  'deviceId',
  'site',
  'target',
  'targetIds',
  'configurationItems',
  'monitoringService',
  'signalType',
  'alertId',
  'condition',
  'acknowledgedBy',
  'closedBy',
  'topSites',
  // devices
  'tags',
  'facts',
  'current',
  'desired',
  'substatus',
  'lastStart',
  'lastEnd',
  'reasons',
  'bySite',
  'byFirmware',
  'title',
  // logs
  'tables',
  'query',
  'partialError',
  // pipelines
  'pipeline',
  'branch',
  'triggeredBy',
  'stages',
  'approval',
  'commit',
  'runNumber',
  // rollouts
  'reason',
  'logLines',
  'createdBy',
  'by',
  'approvedBy',
]);

const MARKDOWN = [PHISH, '**urgent**', '- bullet', '1. first', '# heading', '> quote', '`code`', '_x_', '<http://evil.example>', '~~gone~~'];

/** A code span without backticks inside shows its text literally. */
const CODE_SPAN = /`[^`]*`/g;

/** Every text in a card that Teams renders as markdown (TextBlock text, fact titles and values, table cells). */
function renderedTexts(node: unknown, out: string[] = []): string[] {
  const add = (text: string) => out.push(text.replace(CODE_SPAN, ''));
  if (Array.isArray(node)) for (const n of node) renderedTexts(n, out);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.type === 'TextBlock' && typeof record.text === 'string') add(record.text);
    if (Array.isArray(record.facts))
      for (const f of record.facts as Array<{ title: string; value: string }>) {
        add(f.title);
        add(f.value);
      }
    for (const v of Object.values(record)) renderedTexts(v, out);
  }
  return out;
}

/** Markdown that would render: a link, emphasis or code not escaped with a backslash. */
const LIVE = [
  /(?<!\\)\[[^\]]*(?<!\\)\]\(/,
  /(?<!\\)\*\*urgent(?<!\\)\*\*/,
  /(?<!\\)`code(?<!\\)`/,
  /(?<!\\)<http/,
  /^- bullet/m,
  /^1\. first/m,
  /^# heading/m,
  /^> quote/m,
];

test('plain() escapes links, emphasis, code, lists, headings and quotes, and leaves ordinary text alone', () => {
  expect(plain(PHISH)).toBe('\\[Approve rollout R7\\](http://evil.example/phish)');
  expect(plain('- a\n1. b\n# c\n> d')).toBe('\\- a\n1\\. b\n\\# c\n\\> d');
  for (const ordinary of ['device-42', '2.4.1', '-67 dBm', 'Temperature > 85', 'site: berlin (3)']) expect(plain(ordinary)).toBe(ordinary);
});

describe.each(Object.entries(BUILDERS))('%s card', (_name, build) => {
  test.each(MARKDOWN)('shows %s from outside as text, not markdown', (markdown) => {
    for (const text of renderedTexts(build({ texts: [markdown], only: EXTERNAL }))) {
      for (const live of LIVE) expect(text).not.toMatch(live);
    }
  });
});
