import type { PipelineRun } from '../core/deployments/run';
import { card, type AdaptiveCard, type CardElement } from './card';
import { absoluteTime } from '../core/text/time';
import { stateColor, stateIcon, stateLabel } from './deployment-format';
import { plain } from './plain';

export interface DeploymentListView {
  readonly runs: readonly PipelineRun[];
  /** The pipeline the user asked for, if any. */
  readonly pipeline?: string;
}

/** `deployments [pipeline]`: recent runs, newest first, one line each. */
export function deploymentListCard({ runs, pipeline }: DeploymentListView): AdaptiveCard {
  const rows: CardElement[] = runs.map((run) => ({
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      {
        type: 'Column',
        width: 'stretch',
        items: [
          {
            type: 'TextBlock',
            text: `**${plain(run.pipeline)}** · ${plain(`${run.runNumber}${run.firmwareVersion ? ` · firmware ${run.firmwareVersion}` : ''}`)}`,
            wrap: true,
          },
          {
            type: 'TextBlock',
            text: plain([run.branch, run.triggeredBy ? `by ${run.triggeredBy}` : undefined, absoluteTime(run.updatedAt)].filter(Boolean).join(' · ')),
            isSubtle: true,
            size: 'Small',
            spacing: 'None',
            wrap: true,
          },
        ],
        ...(run.links.web && /^https?:\/\//.test(run.links.web) ? { selectAction: { type: 'Action.OpenUrl', url: run.links.web } } : {}),
      },
      // The icon with its state in words (emoji alone render as boxes without a colour-emoji font).
      {
        type: 'Column',
        width: 'auto',
        items: [
          {
            type: 'TextBlock',
            text: `${stateIcon(run.state, run.result)} ${stateLabel(run.state, run.result)}`,
            color: stateColor(run.state, run.result),
            wrap: false,
          },
        ],
      },
    ],
  }));
  const title = pipeline ? `Recent runs of ${plain(pipeline)}` : 'Recent deployments';
  return card([
    { type: 'TextBlock', text: title, size: 'Large', weight: 'Bolder', wrap: true },
    {
      type: 'TextBlock',
      text: 'Newest first. A run waiting for approval has its own card with Approve and Reject.',
      isSubtle: true,
      spacing: 'None',
      wrap: true,
    },
    ...rows,
  ]);
}
