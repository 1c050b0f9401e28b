import { deploymentListCard } from '../cards/deployment-list';
import { APPROVE_VERB, deploymentRunCard, REJECT_VERB } from '../cards/deployment-run';
import type { RefusalCode } from '../core/refusal';
import type { TurnContext as Turn } from './context';
import type { AppConfig } from '../core/config/config';
import type { Clock } from '../core/clock';
import type { DeploymentService } from '../core/deployments/service';
import { parseError, parsed, type CardActionResult, type CardActionSpec as ActionSpec, type CommandSpec as Spec } from './spec';

/** What the deployment commands use (the deployments feature's services). */
export interface DeploymentServices {
  readonly deployments: DeploymentService;
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly selfUrl: string;
}
type TurnContext = Turn<DeploymentServices>;
type CommandSpec<Args = unknown> = Spec<Args, DeploymentServices>;
type CardActionSpec<Data = unknown> = ActionSpec<Data, DeploymentServices>;
const LIST_LIMIT = 10;

export const deploymentsCommand: CommandSpec<{ pipeline?: string }> = {
  name: 'deployments',
  aliases: ['deploys'],
  summary: 'Recent pipeline runs and releases with their state',
  usage: 'deployments [pipeline]',
  examples: ['deployments', 'deployments firmware-release'],
  role: 'viewer',
  parse(input) {
    if (input.length > 200) return parseError('That pipeline name is too long; give it as Azure DevOps shows it, e.g. `deployments firmware-release`.');
    return parsed({ pipeline: input || undefined });
  },
  async run(ctx, { pipeline }) {
    const service = ctx.services.deployments;
    const runs = await service.list({ pipeline, limit: LIST_LIMIT });
    if (runs.length > 0) {
      await ctx.reply(deploymentListCard({ runs, pipeline }));
      return;
    }
    if (pipeline) {
      const known = [...new Set((await service.list({ limit: 50 })).map((r) => r.pipeline))].slice(0, 5);
      await ctx.reply(
        `No runs of \`${pipeline}\` have reached FleetOps.` +
          (known.length > 0
            ? ` Pipelines I know: ${known.map((p) => `\`${p}\``).join(', ')}.`
            : ' Check the service hook in Azure DevOps (Project settings → Service hooks).'),
      );
      return;
    }
    await ctx.reply(noRunsYet(ctx));
  },
};

/**
 * Where to point the service hook. URLs go in code spans: Teams' markdown drops `<your-app>`
 * as an HTML tag elsewhere (it once printed `https:///api/devops`).
 */
function noRunsYet(ctx: TurnContext): string {
  const azure = '`https://<your-app>.azurewebsites.net/api/devops`';
  const where =
    ctx.services.config.bot || !ctx.services.selfUrl
      ? `pointing to ${azure}`
      : `pointing to ${azure} in Azure; on this machine the bot listens on \`${ctx.services.selfUrl}/api/devops\` (\`npx fleetops send pipeline\` posts a sample run there)`;
  return (
    'No pipeline runs have reached FleetOps yet. In Azure DevOps add a Web Hooks service hook for "Run state changed" (and stage, approval events) ' +
    `${where}, then \`subscribe deployments\` here to get a card per run.`
  );
}

interface DecisionData {
  runId: string;
  approvalId: string;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

function parseDecision(data: Record<string, unknown>) {
  const runId = data.id;
  const approvalId = data.approvalId;
  if (typeof runId !== 'string' || !SAFE_ID.test(runId)) return parseError('the run id is missing or malformed');
  if (typeof approvalId !== 'string' || !SAFE_ID.test(approvalId)) return parseError('the approval id is missing or malformed');
  return parsed<DecisionData>({ runId, approvalId });
}

async function decide(ctx: TurnContext, data: DecisionData, decision: 'approved' | 'rejected'): Promise<CardActionResult> {
  const service = ctx.services.deployments;
  const run = await service.decide({
    runId: data.runId,
    approvalId: data.approvalId,
    decision,
    actor: { id: ctx.actor.id, name: ctx.actor.name, upn: ctx.actor.upn },
  });
  return { card: deploymentRunCard({ run, now: ctx.services.clock.now().toISOString() }) };
}

/** Refusals about the approval itself answer with the run's card: it shows who decided, or Azure DevOps' error. */
const SHOWN_ON_THE_CARD: readonly RefusalCode[] = ['deployment_approval_decided', 'deployment_decision_refused'];

async function runCardAfterRefusal(ctx: TurnContext, data: DecisionData, refused: { code: RefusalCode }) {
  const run = SHOWN_ON_THE_CARD.includes(refused.code) ? await ctx.services.deployments?.get(data.runId) : undefined;
  return run ? deploymentRunCard({ run, now: ctx.services.clock.now().toISOString() }) : undefined;
}

export const approveDeploymentAction: CardActionSpec<DecisionData> = {
  verb: APPROVE_VERB,
  role: 'release-lead',
  sideEffects: true,
  parse: parseDecision,
  run: (ctx, data) => decide(ctx, data, 'approved'),
  afterRefusal: runCardAfterRefusal,
};

export const rejectDeploymentAction: CardActionSpec<DecisionData> = {
  verb: REJECT_VERB,
  role: 'release-lead',
  sideEffects: true,
  parse: parseDecision,
  run: (ctx, data) => decide(ctx, data, 'rejected'),
  afterRefusal: runCardAfterRefusal,
};
