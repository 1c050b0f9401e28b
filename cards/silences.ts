import type { Silence } from '../core/alerts/silence';
import { absoluteTime } from '../core/text/time';
import type { AdaptiveCard } from './card';
import { literal, plain } from './plain';
import { rowListCard } from './row-list';

export const SILENCE_VERBS = { end: 'silence.end' } as const;

export interface SilencesView {
  /** The silences in force, the soonest to end first. */
  readonly silences: readonly Silence[];
  /** The End silence click this card answers: who ended which silence (said on top, for everyone who sees the card). */
  readonly ended?: { readonly by: string; readonly silence: Pick<Silence, 'rule' | 'target'> };
}

/** `silences`: the rules silenced on a target from alert cards, until when and by whom, each with its End silence button. */
export function silencesCard({ silences, ended }: SilencesView): AdaptiveCard {
  return rowListCard({
    done: ended && `${plain(ended.by)} ended the silence of ${plain(ended.silence.rule)} on ${literal(ended.silence.target)}: its alerts get cards again.`,
    title: 'Active alert silences',
    empty: 'No active silences. The **Silence…** button on an alert card adds one.',
    hint: 'No alert cards for a rule on its target until then; End silence brings them back now.',
    rows: silences.map((s) => ({
      text: `**${plain(s.rule)}** on ${literal(s.target)}`,
      detail: `until ${absoluteTime(s.until)}, by ${plain(s.createdBy)}`,
      button: { title: 'End silence', verb: SILENCE_VERBS.end, data: { id: String(s.id) } },
    })),
    more: (hidden) => `…and ${hidden} more, ending later, not shown.`,
  });
}
