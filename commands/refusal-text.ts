import { describeState } from '../core/rollouts/actions';
import type { RolloutState } from '../core/rollouts/model';
import type { Refusal, RefusalCode, RefusalFacts, RolloutFacts } from '../core/refusal';
import { absoluteTime } from '../core/text/time';

/**
 * The user's line for each refusal the domain can throw: what happened and what to try.
 * The one place a refusal gets words (and chat syntax); dispatch calls it for commands
 * and buttons alike, so both say the same.
 */
export function refusalText(refusal: Refusal): string {
  return render(refusal.code, refusal.facts);
}

function render<C extends RefusalCode>(code: C, facts: RefusalFacts[C]): string {
  return TEXT[code](facts);
}

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
const stateOf = (f: RolloutFacts) => describeState({ state: f.state as RolloutState, currentWave: f.currentWave });
const s = (n: number) => (n === 1 ? '' : 's');

/** "Nothing changed: R7 is paused (last: …), so there is nothing to resume." */
const nothingTo =
  (what: string) =>
  (f: RolloutFacts): string =>
    `Nothing changed: ${f.rolloutId} is ${stateOf(f)} (last: ${f.lastBy} ${f.lastWhat} at ${hhmm(f.lastAt)}), so there is nothing to ${what}.`;

const alreadyDone = (done: string) => (f: RefusalFacts['alert_already_closed']) =>
  `This alert was already ${done} by ${f.by ?? 'someone'} at ${f.at ? absoluteTime(f.at) : 'an unknown time'}.`;

const TEXT: { readonly [C in RefusalCode]: (facts: RefusalFacts[C]) => string } = {
  rollout_not_found: (f) => `There is no rollout ${f.rolloutId}; \`rollouts\` lists them.`,
  rollout_stale: (f) =>
    `Nothing changed: someone acted first. ${f.lastBy} ${f.lastWhat} at ${hhmm(f.lastAt)}; ${f.rolloutId} is now ${stateOf(f)}. The card shows the current state.`,
  rollout_not_startable: nothingTo('start'),
  rollout_not_approvable: nothingTo('approve the next wave'),
  rollout_not_pausable: nothingTo('pause'),
  rollout_not_resumable: nothingTo('resume'),
  rollout_not_retryable: nothingTo('retry failed devices'),
  rollout_not_abortable: nothingTo('abort'),
  rollout_not_excludable: (f) => nothingTo(`exclude ${f.deviceId} from`)(f),
  rollout_nothing_to_retry: (f) => `Nothing to retry: no device of ${f.rolloutId} failed, timed out, rolled back or was skipped offline.`,
  rollout_device_not_excludable: (f) =>
    `${f.deviceId} is not a pending or failed target of ${f.rolloutId}, so nothing changed; \`rollout status ${f.rolloutId}\` shows its devices.`,
  rollout_targets_overlap: (f) => {
    const list = f.conflicts.map((c) => `${c.rolloutId} (${c.state}, ${c.devices} device${s(c.devices)}, e.g. ${c.example})`).join('; ');
    return `These targets overlap an active rollout: ${list}. A device takes one rollout at a time; narrow the filter, or finish or abort that rollout first.`;
  },
  firmware_not_in_catalog: (f) =>
    `Firmware ${f.version} is not in the catalog${f.known.length ? `; available: ${f.known.join(', ')}` : ''}. \`firmware\` lists every version.`,
  firmware_without_checksum: (f) =>
    `Firmware ${f.version} has no SHA-256 in the catalog, so devices could not verify it; publish it with a \`sha256:\` line in the description.`,
  rollout_no_matching_devices: (f) => `No device matches ${where(f.filterText)}; check the filter with \`devices ${f.filterText}\`.`,
  rollout_nothing_to_roll_out: (f) => {
    const models = Object.entries(f.incompatibleModels)
      .map(([m, n]) => `${m} (${n})`)
      .join(', ');
    const parts = [
      f.alreadyCurrent > 0 ? `${f.alreadyCurrent} already run ${f.version}` : '',
      f.incompatible > 0 ? `${f.incompatible} cannot run it (models ${models}; it supports ${f.compatibleModels.join(', ')})` : '',
    ].filter(Boolean);
    return `Nothing to roll out: of ${f.targets} devices matching ${where(f.filterText)}, ${parts.join(' and ')}.`;
  },
  alert_not_found: (f) => `There is no alert \`${f.alertId}\`. \`alerts\` lists the open ones.`,
  alert_already_closed: alreadyDone('closed'),
  alert_already_acknowledged: alreadyDone('acknowledged'),
  alert_changed_meanwhile: () => 'Someone changed this alert at the same moment; the card shows its current state.',
  alert_source_refused: (f) => `Azure Monitor did not accept the change (${f.reason}); the alert is unchanged. Try again, or change it in the Azure portal.`,
  deployment_run_unknown: (f) => `I no longer know run ${f.runId}; open it in Azure DevOps to decide there.`,
  deployment_approval_unknown: (f) => `Run ${f.runNumber} of ${f.pipeline} has no approval ${f.approvalId}; the card may be out of date.`,
  deployment_approval_decided: (f) => `This approval was already ${f.status}${f.by ? ` by ${f.by}` : ''}${f.at ? ` at ${absoluteTime(f.at)}` : ''}.`,
  deployment_approval_busy: (f) => `${f.by} is deciding this approval right now; the card will show the result.`,
  deployment_run_vanished: (f) => `Run ${f.runNumber} disappeared while deciding; check Azure DevOps.`,
  deployment_decision_refused: (f) => `Azure DevOps did not accept the decision: ${f.reason}`,
};

function where(filterText: string): string {
  return filterText ? `\`${filterText}\`` : 'the fleet';
}
