import type { PlannedRollout } from '../core/rollouts/planner';
import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { cumulativePercents } from './rollout-progress';
import { fmt, plural, ROLLOUT_VERBS, settingsFacts, stateLabel } from './rollout-format';
import { plain } from './plain';

/** The plan card shows what the planner computed, as it is. */
export type RolloutPlanView = PlannedRollout;

/** The dry run: what Start would do, wave by wave. Nothing has been written to any device yet. */
export function rolloutPlanCard(view: RolloutPlanView): AdaptiveCard {
  const { rollout: r } = view;
  const eligible = view.waveSizes.reduce((a, b) => a + b, 0);
  const models = Object.entries(view.incompatibleModels)
    .slice(0, 5)
    .map(([m, n]) => `${m} (${fmt(n)})`)
    .join(', ');
  const body: CardElement[] = [
    { type: 'TextBlock', text: `Rollout plan ${r.id}: firmware ${r.firmware.version}`, size: 'Large', weight: 'Bolder', wrap: true },
    {
      type: 'TextBlock',
      text: `Targets ${r.filterText ? `\`${r.filterText}\`` : 'the whole fleet'} · planned by ${plain(r.createdBy)}`,
      isSubtle: true,
      spacing: 'None',
      wrap: true,
    },
    ...(view.flag
      ? [
          {
            type: 'Container',
            style: 'attention',
            items: [
              {
                type: 'TextBlock',
                text: `⚠ Warning: the catalog marks ${r.firmware.version} as **${view.flag}**. \`firmware\` shows the newest good version; Start asks you to confirm.`,
                wrap: true,
                weight: 'Bolder',
              },
            ],
          },
        ]
      : []),
    {
      type: 'FactSet',
      spacing: 'Medium',
      facts: [
        { title: 'Matching devices', value: fmt(view.targets) },
        { title: 'To update', value: fmt(eligible) },
        { title: `Already on ${r.firmware.version}`, value: fmt(view.alreadyCurrent) },
        { title: 'Incompatible', value: view.incompatible > 0 ? `${fmt(view.incompatible)} (${models})` : '0' },
        ...settingsFacts(r),
      ],
    },
    { type: 'TextBlock', text: 'Waves', weight: 'Bolder', spacing: 'Medium', wrap: true },
    ...view.waveSizes.map((size, i, sizes) => waveRow(i + 1, cumulativePercents(sizes)[i]!, size, i === 0)),
  ];
  if (view.releaseNotes)
    body.push({ type: 'TextBlock', text: `Release notes: ${view.releaseNotes.slice(0, 500)}`, wrap: true, spacing: 'Medium', size: 'Small' });
  const planned = r.state === 'planned';
  body.push({
    type: 'TextBlock',
    text: planned
      ? 'Nothing has been written to any device. **Start** (release lead) begins wave 1; each later wave waits for a release lead’s approval after the previous one passes its gates.'
      : `This plan is ${stateLabel(r).text.toLowerCase()}; \`rollout status ${r.id}\` shows its progress.`,
    wrap: true,
    spacing: 'Medium',
  });
  const data = { id: r.id, version: r.version };
  const actions = planned
    ? [executeAction(`Start ${r.id}`, ROLLOUT_VERBS.start, data, 'positive'), executeAction('Discard plan…', ROLLOUT_VERBS.abort, data)]
    : [];
  return card(body, actions);
}

function waveRow(index: number, upTo: number, size: number, canary: boolean): CardElement {
  return {
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: `Wave ${index}`, weight: 'Bolder', wrap: true }] },
      {
        type: 'Column',
        width: 'stretch',
        items: [{ type: 'TextBlock', text: `${plural(size, 'device')} · up to ${upTo} % of the rollout${canary ? ' · canary ring first' : ''}`, wrap: true }],
      },
    ],
  };
}
