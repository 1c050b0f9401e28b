import type { Role } from '../core/access/roles';
import type { RolloutDevice } from '../core/rollouts/model';
import { ROLLOUT_TRANSITIONS, verbsFrom, type RolloutVerb } from '../core/rollouts/transitions';
import type { RolloutView, WaveView } from '../core/rollouts/view';
import type { GateResult } from '../core/rollouts/gates';
import { card, executeAction, noticeBlock, type AdaptiveCard, type CardElement } from './card';
import { absoluteTime } from '../core/text/time';
import { bar, duration, fmt, pct, ROLLOUT_VERBS, stateLabel } from './rollout-format';
import { plain } from './plain';
import { MAX_REFRESH_USERS } from './refresh-users';

export interface ProgressCardOptions {
  /**
   * Whose buttons to show: the role of the one who sees this copy (a reply, a refresh). Without
   * it (the card posted to conversations) every button the state allows; the click is checked anyway.
   */
  readonly audience?: Role;
  /** Release leads' ids for the Universal Actions refresh (Teams takes at most 60). */
  readonly refreshUserIds?: readonly string[];
  /** A line above the card, e.g. why a click on an outdated card changed nothing. */
  readonly notice?: string;
}

/** The rollout window: open until when, or when it next opens. */
const windowText = (w: NonNullable<RolloutView['window']>): string =>
  `${plain(w.text)} · ${w.closesAt ? `open until ${absoluteTime(w.closesAt)}` : w.nextOpensAt ? `next opens ${absoluteTime(w.nextOpensAt)}` : 'never opens again'}`;

/** One card per rollout, updated in place: per-wave bars, totals, ETA, first failures, buttons. */
export function rolloutProgressCard(view: RolloutView, options: ProgressCardOptions = {}): AdaptiveCard {
  const r = view.rollout;
  const label = stateLabel(r);
  const t = view.totals;
  const body: CardElement[] = [
    {
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [
            { type: 'TextBlock', text: `Rollout ${r.id} · firmware ${r.firmware.version}`, size: 'Large', weight: 'Bolder', wrap: true },
            {
              type: 'TextBlock',
              text: `${r.filterText ? `\`${r.filterText}\`` : 'whole fleet'} · ${fmt(t.targets)} devices · started by ${plain(r.createdBy)}`,
              isSubtle: true,
              spacing: 'None',
              wrap: true,
            },
          ],
        },
        {
          type: 'Column',
          width: 'auto',
          verticalContentAlignment: 'Center',
          items: [{ type: 'TextBlock', text: label.text, weight: 'Bolder', color: label.color, wrap: true }],
        },
      ],
    },
  ];
  if (options.notice) body.unshift(noticeBlock(options.notice));
  if (r.state === 'paused' && r.pauseReason) body.push({ type: 'TextBlock', text: `⚠ ${r.pauseReason}`, color: 'Attention', weight: 'Bolder', wrap: true });
  body.push(totals(view));
  const cumulative = cumulativePercents(view.waves.map((w) => w.size));
  body.push(...view.waves.map((w, i) => waveBlock(w, cumulative[i]!)));
  const facts = [
    view.etaMs !== undefined ? { title: 'ETA (this wave)', value: view.etaMs === 0 ? 'finishing' : `about ${duration(view.etaMs)}` } : undefined,
    view.window ? { title: 'Window', value: windowText(view.window) } : undefined,
    { title: 'Last change', value: `${plain(r.lastChange.by)} ${r.lastChange.what} · ${absoluteTime(r.lastChange.at)}` },
    view.alreadyCurrent + view.incompatible > 0
      ? { title: 'Not in waves', value: `${fmt(view.alreadyCurrent)} already current, ${fmt(view.incompatible)} incompatible` }
      : undefined,
    { title: 'As of', value: absoluteTime(view.asOf) },
  ].filter((f): f is { title: string; value: string } => f !== undefined);
  body.push({ type: 'FactSet', facts, spacing: 'Medium' });
  if (view.firstFailures.length > 0) {
    body.push({ type: 'TextBlock', text: 'First failures', weight: 'Bolder', spacing: 'Medium', wrap: true });
    body.push({ type: 'FactSet', facts: view.firstFailures.map(failureFact) });
  }
  const extra =
    options.refreshUserIds && options.refreshUserIds.length > 0
      ? { refresh: { action: executeAction('Refresh', ROLLOUT_VERBS.refresh, { id: r.id }), userIds: options.refreshUserIds.slice(0, MAX_REFRESH_USERS) } }
      : {};
  return card(body, buttons(view, options.audience), extra);
}

function totals(view: RolloutView): CardElement {
  const t = view.totals;
  const cell = (title: string, value: number, color?: string): CardElement => ({
    type: 'Column',
    width: 'stretch',
    items: [
      { type: 'TextBlock', text: fmt(value), size: 'Large', weight: 'Bolder', horizontalAlignment: 'Center', ...(color && value > 0 ? { color } : {}) },
      { type: 'TextBlock', text: title, isSubtle: true, size: 'Small', horizontalAlignment: 'Center', spacing: 'None', wrap: true },
    ],
  });
  return {
    type: 'ColumnSet',
    spacing: 'Medium',
    columns: [
      cell('succeeded', t.succeeded, 'Good'),
      cell('in progress', t.inProgress, 'Accent'),
      cell('queued', t.queued),
      cell('failed', t.failed + t.rolledBack, 'Attention'),
      cell('timed out', t.timedOut, 'Attention'),
      cell('skipped', t.skippedOffline + t.canceled),
    ],
  };
}

/**
 * Cumulative share of the rollout's devices once each wave is done, from the real wave sizes:
 * the settings' "10 %" becomes 20 % when a canary wave of 10 devices needs 2.
 */
export function cumulativePercents(sizes: readonly number[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  let sum = 0;
  return sizes.map((size) => {
    sum += size;
    return total > 0 ? Math.round((sum / total) * 100) : 0;
  });
}

function waveBlock(w: WaveView, upToPct: number): CardElement {
  const c = w.counts;
  const failed = c.failed + c.rolledBack + c.timedOut;
  const icon =
    w.status === 'passed'
      ? '✅'
      : w.status === 'breached'
        ? '⛔'
        : w.status === 'running'
          ? '▶'
          : w.status === 'awaiting approval'
            ? '✋'
            : w.status === 'paused'
              ? '⏸'
              : '·';
  const stats = `${fmt(c.succeeded)}/${fmt(w.size)} ok${failed ? ` · ${fmt(failed)} failed` : ''}${c.inProgress ? ` · ${fmt(c.inProgress)} in progress` : ''}`;
  const gate = w.gate.finished > 0 ? ` · success ${pct(w.gate.successPct)}` : '';
  // Label and figures stacked beside the bar: three columns squeezed words apart on narrow cards.
  return {
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      {
        type: 'Column',
        width: 'stretch',
        items: [
          { type: 'TextBlock', text: `${icon} Wave ${w.index} · ${w.status}`, weight: 'Bolder', wrap: true },
          { type: 'TextBlock', text: `${fmt(w.size)} devices, up to ${upToPct} % · ${stats}${gate}`, isSubtle: true, spacing: 'None', wrap: true },
        ],
      },
      {
        type: 'Column',
        width: 'auto',
        verticalContentAlignment: 'Center',
        items: [{ type: 'TextBlock', text: bar(c.succeeded, failed, w.size), fontType: 'Monospace', color: failed ? 'Attention' : 'Good' }],
      },
    ],
  };
}

function failureFact(d: RolloutDevice): { title: string; value: string } {
  return { title: plain(d.deviceId), value: `${d.state}${d.reason ? `: ${plain(d.reason)}` : ''}${d.wave ? ` (wave ${d.wave})` : ''}` };
}

/** A button for each verb the state allows the audience (ROLLOUT_TRANSITIONS), when there is something to act on. */
function buttons(view: RolloutView, audience: Role | undefined): CardElement[] {
  const r = view.rollout;
  const data = { id: r.id, version: r.version };
  const t = view.totals;
  const failures = t.failed + t.rolledBack + t.timedOut + t.skippedOffline;
  return verbsFrom(r.state, audience).flatMap((verb): CardElement[] => {
    const label = ROLLOUT_TRANSITIONS[verb].label(r);
    switch (verb) {
      case 'retry':
        return failures > 0 ? [transitionButton(verb, `${label} (${fmt(failures)})`, data)] : [];
      case 'exclude':
        return view.firstFailures.length > 0 ? [excludeAction(r.id, data, view.firstFailures)] : [];
      case 'abort':
        // Also sets devices written but not yet started back to their version; the click asks for a confirmation first.
        return [transitionButton(verb, label, { ...data, revert: true })];
      default:
        return [transitionButton(verb, label, data)];
    }
  });
}

/** The Action.Execute of a verb, styled as the table says (destructive ones ask for a confirmation). */
function transitionButton(verb: RolloutVerb, title: string, data: Record<string, unknown>): CardElement {
  const spec = ROLLOUT_TRANSITIONS[verb];
  return executeAction(title, ROLLOUT_VERBS[verb], data, spec.destructive ? 'destructive' : spec.positive ? 'positive' : undefined);
}

/**
 * "Exclude a device…": opens a picker of the failures listed on the card; Exclude sends the
 * chosen `deviceId` with the card's version (Teams adds the input's value to the data).
 */
function excludeAction(rolloutId: string, data: { id: string; version: number }, failing: readonly RolloutDevice[]): CardElement {
  return {
    type: 'Action.ShowCard',
    title: 'Exclude a device…',
    card: {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: `Take one device out of ${rolloutId}: it is canceled there and no longer counts toward the gates.`, wrap: true },
        {
          type: 'Input.ChoiceSet',
          id: 'deviceId',
          label: 'Device',
          style: 'compact',
          isRequired: true,
          errorMessage: 'Pick the device to exclude.',
          value: failing[0]!.deviceId,
          choices: failing.map((d) => ({ title: `${d.deviceId} · ${d.state}${d.wave ? ` (wave ${d.wave})` : ''}`, value: d.deviceId })),
        },
      ],
      actions: [transitionButton('exclude', 'Exclude', data)],
    },
  };
}

export interface GateAlertView {
  readonly view: RolloutView;
  readonly wave: number;
  readonly gate: GateResult;
  readonly failing: ReadonlyArray<RolloutDevice & { readonly logLines?: readonly string[] }>;
}

/** The on-call card when a wave breaches its gate: why it paused, which devices, their last log lines. */
export function rolloutGateAlertCard({ view, wave, gate, failing }: GateAlertView): AdaptiveCard {
  const r = view.rollout;
  const body: CardElement[] = [
    { type: 'TextBlock', text: `⛔ Rollout ${r.id} paused itself at wave ${wave}`, size: 'Large', weight: 'Bolder', color: 'Attention', wrap: true },
    { type: 'TextBlock', text: `Firmware ${r.firmware.version}: ${gate.reason ?? 'the gate breached'}.`, wrap: true },
    {
      type: 'TextBlock',
      text: 'No new device gets the firmware until a release lead resumes; devices mid-update carry on and are tracked.',
      isSubtle: true,
      wrap: true,
    },
  ];
  for (const d of failing.slice(0, 5)) {
    body.push({
      type: 'Container',
      separator: true,
      spacing: 'Medium',
      items: [
        { type: 'TextBlock', text: `**${plain(d.deviceId)}** — ${d.state}${d.reason ? `: ${plain(d.reason)}` : ''}`, wrap: true },
        ...(d.logLines && d.logLines.length > 0
          ? [
              {
                type: 'TextBlock',
                text: d.logLines
                  .slice(-5)
                  .map((l) => plain(l.slice(0, 200)))
                  .join('\n\n'),
                fontType: 'Monospace',
                size: 'Small',
                isSubtle: true,
                wrap: true,
                spacing: 'Small',
              },
            ]
          : []),
      ],
    });
  }
  const data = { id: r.id, version: r.version };
  // What a paused rollout allows (the table), for everyone: the alert goes to on-call channels.
  const actions = verbsFrom('paused').flatMap((verb): CardElement[] => {
    if (verb === 'exclude') return failing.length > 0 ? [excludeAction(r.id, data, failing.slice(0, 5))] : [];
    return [transitionButton(verb, ROLLOUT_TRANSITIONS[verb].label(r), verb === 'abort' ? { ...data, revert: true } : data)];
  });
  return card(body, r.state === 'paused' ? actions : []);
}
