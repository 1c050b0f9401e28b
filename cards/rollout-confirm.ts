import type { Rollout } from '../core/rollouts/model';
import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { fmt, ROLLOUT_VERBS } from './rollout-format';

/** What the confirmation is for: aborting, or starting a version the catalog flags. */
export type RolloutConfirmation =
  | { readonly kind: 'abort'; readonly revert: boolean; readonly queued: number }
  | { readonly kind: 'start'; readonly flag: string };

/**
 * The explicit second step before a destructive or risky click (as Reboot has): what will
 * happen, a button that does it, and Cancel back to the current card.
 */
export function rolloutConfirmCard(rollout: Pick<Rollout, 'id' | 'version' | 'state' | 'firmware'>, ask: RolloutConfirmation): AdaptiveCard {
  const data = { id: rollout.id, version: rollout.version, confirmed: true };
  const body: CardElement[] = [];
  let action: CardElement;
  if (ask.kind === 'abort') {
    const planned = rollout.state === 'planned';
    body.push({
      type: 'TextBlock',
      text: planned ? `Discard plan ${rollout.id}?` : `Abort rollout ${rollout.id}?`,
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
    });
    body.push({
      type: 'TextBlock',
      wrap: true,
      text: planned
        ? `Nothing has been written to any device; the plan for firmware ${rollout.firmware.version} is dropped.`
        : `No further device gets firmware ${rollout.firmware.version}: ${fmt(ask.queued)} queued device${ask.queued === 1 ? ' is' : 's are'} canceled` +
          `${ask.revert ? ', and devices written but not started are set back to their previous version' : ''}. Devices mid-update carry on. This cannot be resumed.`,
    });
    action = executeAction(
      planned ? 'Discard plan' : ask.revert ? 'Abort and revert' : 'Abort',
      ROLLOUT_VERBS.abort,
      { ...data, revert: ask.revert },
      'destructive',
    );
  } else {
    body.push({ type: 'TextBlock', text: `Start ${rollout.id} with firmware ${rollout.firmware.version}?`, size: 'Large', weight: 'Bolder', wrap: true });
    body.push({
      type: 'Container',
      style: 'attention',
      items: [{ type: 'TextBlock', text: `⚠ Warning: the catalog marks ${rollout.firmware.version} as **${ask.flag}**.`, wrap: true, weight: 'Bolder' }],
    });
    body.push({ type: 'TextBlock', text: '`firmware` shows the newest good version. Start anyway only if you mean to test the flagged version.', wrap: true });
    action = executeAction(`Start ${rollout.id} anyway (${ask.flag})`, ROLLOUT_VERBS.start, data, 'destructive');
  }
  body.push({ type: 'TextBlock', text: 'This is recorded in the audit log.', isSubtle: true, wrap: true });
  return card(body, [action, executeAction('Cancel', ROLLOUT_VERBS.refresh, { id: rollout.id })]);
}
