import { pendingApprovals, type ApprovalView, type PipelineRun, type StageView } from '../core/deployments/run';
import { card, executeAction, openUrlAction, type AdaptiveCard, type CardElement } from './card';
import { approvalWord, durationBetween, isWebUrl, shortCommit, stageTitle, stateColor, stateIcon, stateLabel } from './deployment-format';
import { absoluteTime } from '../core/text/time';
import { plain } from './plain';

export const APPROVE_VERB = 'deployment.approve';
export const REJECT_VERB = 'deployment.reject';
/** Owned by the rollouts feature: opens the rollout plan of a firmware version. */
export const ROLLOUT_PLAN_VERB = 'rollout.plan';

export interface DeploymentRunView {
  readonly run: PipelineRun;
  /** For the running time of unfinished stages. */
  readonly now: string;
}

const MAX_STAGES = 20;
/** Teams shows few buttons; two approvals (4 buttons) plus the link and the rollout button fit. */
const MAX_APPROVAL_BUTTONS = 2;

/** One card per pipeline run, updated in place as the run moves. */
export function deploymentRunCard({ run, now }: DeploymentRunView): AdaptiveCard {
  const actions: CardElement[] = [];
  const pending = pendingApprovals(run);
  for (const approval of pending.slice(0, MAX_APPROVAL_BUTTONS)) {
    const where = pending.length > 1 && approval.stageName ? ` ${approval.stageName}` : '';
    const data = { id: run.runId, approvalId: approval.id };
    actions.push(executeAction(`Approve${where}`, APPROVE_VERB, data, 'positive'), executeAction(`Reject${where}`, REJECT_VERB, data, 'destructive'));
  }
  if (offersRollout(run))
    actions.push(executeAction(`Plan rollout of ${run.firmwareVersion}`, ROLLOUT_PLAN_VERB, { version: run.firmwareVersion }, 'positive'));
  if (isWebUrl(run.links.web)) actions.push(openUrlAction('Open in Azure DevOps', run.links.web));

  return card([header(run), ...facts(run, now), ...timeline(run.stages, run, now), ...run.approvals.map(approvalBlock)], actions);
}

/** A firmware release that succeeded and named its version: the next step is a rollout. */
export const offersRollout = (run: PipelineRun): boolean =>
  Boolean(run.firmwareVersion) && run.state === 'completed' && (run.result === 'succeeded' || run.result === 'partiallySucceeded');

function header(run: PipelineRun): CardElement {
  return {
    type: 'ColumnSet',
    columns: [
      {
        type: 'Column',
        width: 'stretch',
        items: [
          { type: 'TextBlock', text: plain(`${run.pipeline} · ${run.runNumber}`), size: 'Large', weight: 'Bolder', wrap: true },
          { type: 'TextBlock', text: plain(subtitle(run)), isSubtle: true, spacing: 'None', wrap: true },
        ],
      },
      {
        type: 'Column',
        width: 'auto',
        verticalContentAlignment: 'Center',
        items: [
          {
            type: 'TextBlock',
            text: `${stateIcon(run.state, run.result)} ${stateLabel(run.state, run.result)}`,
            weight: 'Bolder',
            color: stateColor(run.state, run.result),
            wrap: true,
          },
        ],
      },
    ],
  };
}

function subtitle(run: PipelineRun): string {
  const kind = run.kind === 'release' ? 'Release' : run.kind === 'approval' ? 'Approval' : 'Pipeline run';
  const parts = [kind, run.branch, shortCommit(run.commit), run.triggeredBy ? `by ${run.triggeredBy}` : undefined].filter(Boolean);
  return parts.join(' · ');
}

function facts(run: PipelineRun, now: string): CardElement[] {
  const list = [
    run.branch ? { title: 'Branch', value: run.branch } : undefined,
    run.commit ? { title: 'Commit', value: shortCommit(run.commit)! } : undefined,
    run.triggeredBy ? { title: 'Triggered by', value: run.triggeredBy } : undefined,
    run.createdAt ? { title: 'Started', value: absoluteTime(run.createdAt) } : undefined,
    run.createdAt ? { title: 'Duration', value: durationBetween(run.createdAt, run.finishedAt ?? now) + (run.finishedAt ? '' : ' so far') } : undefined,
    run.firmwareVersion ? { title: 'Firmware', value: run.firmwareVersion } : undefined,
  ]
    .filter((f): f is { title: string; value: string } => Boolean(f?.value))
    .map((f) => ({ title: f.title, value: plain(f.value) }));
  return list.length > 0 ? [{ type: 'FactSet', facts: list, spacing: 'Medium' }] : [];
}

function timeline(stages: readonly StageView[], run: PipelineRun, now: string): CardElement[] {
  if (stages.length === 0) return [];
  const shown = stages.slice(0, MAX_STAGES);
  const rows: CardElement[] = shown.map((stage) => ({
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      // The icon beside the name, the state in words in the next column (emoji alone render as boxes without a colour-emoji font).
      {
        type: 'Column',
        width: 'stretch',
        items: [{ type: 'TextBlock', text: `${stateIcon(stage.state, stage.result)} ${plain(stageTitle(stage.name))}`, wrap: true }],
      },
      {
        type: 'Column',
        width: 'auto',
        items: [{ type: 'TextBlock', text: stateLabel(stage.state, stage.result), color: stateColor(stage.state, stage.result), isSubtle: true, wrap: false }],
      },
      {
        type: 'Column',
        width: '70px',
        items: [{ type: 'TextBlock', text: stageDuration(stage, run, now) || ' ', horizontalAlignment: 'Right', isSubtle: true, wrap: false }],
      },
    ],
  }));
  const more =
    stages.length > shown.length ? [{ type: 'TextBlock', text: `…and ${stages.length - shown.length} more stages`, isSubtle: true, size: 'Small' }] : [];
  return [{ type: 'TextBlock', text: 'Stages', weight: 'Bolder', spacing: 'Medium' }, ...rows, ...more];
}

function stageDuration(stage: StageView, run: PipelineRun, now: string): string {
  if (!stage.startedAt) return '';
  const end = stage.finishedAt ?? (run.state === 'completed' ? run.finishedAt : now);
  return durationBetween(stage.startedAt, end);
}

function approvalBlock(approval: ApprovalView): CardElement {
  const where = approval.stageName ? ` for ${plain(approval.stageName)}` : '';
  const items: CardElement[] = [];
  if (approval.status === 'pending') {
    items.push({ type: 'TextBlock', text: `⏳ Approval needed${where}`, weight: 'Bolder', color: 'Attention', wrap: true });
    if (approval.instructions) items.push({ type: 'TextBlock', text: plain(approval.instructions), wrap: true, spacing: 'Small' });
    const who = approval.approvers.length > 0 ? `Approvers: ${plain(approval.approvers.join(', '))}` : undefined;
    const min = approval.minRequiredApprovers && approval.minRequiredApprovers > 1 ? `${approval.minRequiredApprovers} approvals required` : undefined;
    const line = [who, min].filter(Boolean).join(' · ');
    if (line) items.push({ type: 'TextBlock', text: line, isSubtle: true, size: 'Small', wrap: true, spacing: 'Small' });
    items.push({
      type: 'TextBlock',
      text: 'Release leads can approve or reject here; Azure DevOps records it with their name in the comment.',
      isSubtle: true,
      size: 'Small',
      wrap: true,
      spacing: 'Small',
    });
  } else {
    const icon = approval.status === 'approved' ? '✅' : approval.status === 'rejected' ? '🚫' : '⏹️';
    const by = approval.decidedBy ? ` by ${plain(approval.decidedBy)}` : '';
    const at = approval.decidedAt ? `, ${absoluteTime(approval.decidedAt)}` : '';
    items.push({
      type: 'TextBlock',
      text: `${icon} ${approvalWord(approval.status)}${where}${by}${at}`,
      weight: 'Bolder',
      color: approval.status === 'approved' ? 'Good' : approval.status === 'rejected' ? 'Attention' : 'Default',
      wrap: true,
    });
    if (approval.comment) items.push({ type: 'TextBlock', text: `“${plain(approval.comment)}”`, isSubtle: true, size: 'Small', wrap: true, spacing: 'Small' });
  }
  if (approval.note) items.push({ type: 'TextBlock', text: `ℹ️ ${approval.note}`, wrap: true, size: 'Small', spacing: 'Small' });
  if (approval.lastError) items.push({ type: 'TextBlock', text: `⚠️ ${approval.lastError}`, color: 'Attention', wrap: true, size: 'Small', spacing: 'Small' });
  return { type: 'Container', separator: true, spacing: 'Medium', items };
}
