import type { Silence } from '../core/alerts/silence';
import { absoluteTime } from '../core/text/time';
import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { plain } from './plain';

export const SILENCE_VERBS = { end: 'silence.end' } as const;

/** Rows shown; there are rarely more, and the card must stay well under Teams' size limit. */
const MAX_ROWS = 25;

export interface SilencesView {
  /** The silences in force, the soonest to end first. */
  readonly silences: readonly Silence[];
  /** The End silence click this card answers: who ended which silence (said on top, for everyone who sees the card). */
  readonly ended?: { readonly by: string; readonly silence: Pick<Silence, 'rule' | 'target'> };
}

/** `silences`: the rules silenced on a target from alert cards, until when and by whom, each with its End silence button. */
export function silencesCard({ silences, ended }: SilencesView): AdaptiveCard {
  const body: CardElement[] = [
    ...(ended ? [{ type: 'TextBlock', text: endedLine(ended), wrap: true, color: 'Good', weight: 'Bolder' }] : []),
    { type: 'TextBlock', text: 'Active alert silences', size: 'Large', weight: 'Bolder', wrap: true },
  ];
  if (silences.length === 0) {
    body.push({ type: 'TextBlock', text: 'No active silences. The **Silence…** button on an alert card adds one.', wrap: true });
    return card(body);
  }
  const shown = silences.slice(0, MAX_ROWS);
  const hidden = silences.length - shown.length;
  body.push(
    {
      type: 'TextBlock',
      text: 'No alert cards for a rule on its target until then; End silence brings them back now.',
      isSubtle: true,
      spacing: 'None',
      wrap: true,
    },
    ...shown.map(row),
  );
  if (hidden > 0) body.push({ type: 'TextBlock', text: `…and ${hidden} more, ending later, not shown.`, isSubtle: true, separator: true, wrap: true });
  return card(body);
}

const endedLine = ({ by, silence }: NonNullable<SilencesView['ended']>): string =>
  `${plain(by)} ended the silence of ${plain(silence.rule)} on ${literal(silence.target)}: its alerts get cards again.`;

/** A target as Azure Monitor named it, shown literally: in a code span, or escaped when a backtick or a line break would end the span. */
const literal = (target: string): string => (/[`\r\n]/.test(target) ? plain(target) : `\`${target}\``);

function row(s: Silence): CardElement {
  return {
    type: 'Container',
    separator: true,
    spacing: 'Medium',
    items: [
      { type: 'TextBlock', text: `**${plain(s.rule)}** on ${literal(s.target)}`, wrap: true },
      { type: 'TextBlock', text: `until ${absoluteTime(s.until)}, by ${plain(s.createdBy)}`, isSubtle: true, size: 'Small', spacing: 'None', wrap: true },
      { type: 'ActionSet', actions: [executeAction('End silence', SILENCE_VERBS.end, { id: String(s.id) })] },
    ],
  };
}
