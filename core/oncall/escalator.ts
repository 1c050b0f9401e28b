import { shortAlertId } from '../alerts/alert';
import { FLEETOPS_ACTOR, type AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Notifier, OutboundMessage } from '../notifications/notifier';
import { acknowledged, duePage, escalateNow, pageSent, reassign, startEscalation, type EscalationState, type Page } from './escalation';
import type { OnCallService } from './service';
import type { Member } from './rotation';
import { BOT_ACTOR } from './timeline';
import { peopleOf } from './card-extras';
import { Refusal } from '../refusal';

/** What the escalator needs to know of an alert: is it still waiting for someone? */
export interface AlertGlance {
  readonly severity: number;
  /** New = nobody has acknowledged it yet. */
  readonly state: 'New' | 'Acknowledged' | 'Closed';
  readonly resolved: boolean;
  readonly acknowledgedBy?: string;
}

export interface EscalatorDeps {
  readonly oncall: OnCallService;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly log: Logger;
  readonly alert: (alertId: string) => Promise<AlertGlance | undefined>;
  /** The personal page: the alert's card with its actions, and a line saying why they get it. */
  readonly pageMessage: (alertId: string, page: Page) => Promise<OutboundMessage | undefined>;
  /** Puts the alert's cards in their conversations again (someone unreachable, reassigned, acknowledged: the card says so). */
  readonly republish?: (alertId: string) => Promise<void>;
  /** Pages, escalations and whom FleetOps could not reach are audited with FleetOps as the actor. */
  readonly audit?: AuditLog;
}

/**
 * Pages the on-call chain of an alert until someone acknowledges. Runs from the store and
 * the outbox: each page is queued under its own key (`page:<alert>:<n>`) before the state
 * moves on with a version check, so a restart between the two sends that key again, which
 * the outbox turns into an update of the same message, not a second page; and a second
 * replica that read the same state loses the version check.
 */
export class Escalator {
  constructor(private readonly deps: EscalatorDeps) {}

  /**
   * A new card in `conversationId` whose subscription names `rotation`: start the clock. Call it
   * before the card is rendered: the card @mentions the escalation's primary (core/oncall/card-extras.ts).
   */
  async start(input: { alertId: string; conversationId: string; rotation: string }): Promise<EscalationState | undefined> {
    const { oncall, clock, log } = this.deps;
    const now = clock.now();
    const found = await oncall.onCall(input.rotation, now);
    if (!found) {
      log.warn({ rotation: input.rotation, alertId: input.alertId }, 'alert subscription names a rotation that does not exist; nobody is paged');
      await oncall.timeline.append({
        alertId: input.alertId,
        at: now.toISOString(),
        kind: 'paged',
        actor: BOT_ACTOR,
        detail: `nobody: there is no rotation ${input.rotation}`,
      });
      return undefined;
    }
    const state = startEscalation({
      alertId: input.alertId,
      conversationId: input.conversationId,
      onCall: found.onCall,
      unacknowledgedMinutes: found.rotation.unacknowledgedMinutes,
      postedAt: now,
    });
    if (!(await oncall.escalations.create(state))) return oncall.escalations.get(input.alertId);
    const detail = `${found.onCall.primary.name} (primary of ${found.rotation.name})`;
    await oncall.timeline.append({ alertId: input.alertId, at: now.toISOString(), kind: 'mentioned', actor: BOT_ACTOR, detail });
    await this.audit('oncall.mention', input.alertId, `${detail} in ${input.conversationId}`);
    return state;
  }

  /** Sends the pages that are due; returns how many were sent. */
  async tick(limit = 50): Promise<number> {
    const now = this.deps.clock.now();
    let sent = 0;
    for (const state of await this.deps.oncall.escalations.due(now, limit)) {
      if (await this.step(state, now)) sent++;
    }
    return sent;
  }

  private async step(state: EscalationState, now: Date): Promise<boolean> {
    const { oncall, notifier } = this.deps;
    const alert = await this.deps.alert(state.alertId);
    if (alert?.state !== 'New' || alert.resolved) {
      // Acknowledged (or closed, resolved) since: the chain stops here.
      // (The alert's own record says who acknowledged, closed or resolved it; `alert <id>` shows that.)
      if (await oncall.escalations.update(acknowledged(state, alert?.acknowledgedBy ?? BOT_ACTOR, now)))
        await this.audit('oncall.stop', state.alertId, stopReason(alert));
      return false;
    }
    const page = duePage(state, now);
    if (!page) return false;
    const chat = await oncall.personalChats.find(page.member.id);
    const message = await this.deps.pageMessage(state.alertId, page);
    const index = state.nextPage;
    const reached = chat !== undefined && message !== undefined;
    if (reached) await notifier.post(chat, `page:${state.alertId}:${index}`, message);
    if (!(await oncall.escalations.update(pageSent(state, now)))) return false;
    const kind = !reached ? 'unreachable' : index === 0 ? 'paged' : 'escalated';
    const detail = `${page.member.name} (${page.level})`;
    await oncall.timeline.append({ alertId: state.alertId, at: now.toISOString(), kind, actor: BOT_ACTOR, detail });
    await this.audit(`oncall.${kind === 'escalated' ? 'escalate' : kind === 'paged' ? 'page' : 'unreachable'}`, state.alertId, detail);
    // The channel card says whom a personal message could not reach (from the timeline); the paging goes on.
    if (!reached) await this.deps.republish?.(state.alertId);
    return true;
  }

  private async audit(action: string, alertId: string, detail: string): Promise<void> {
    await this.deps.audit?.record({ ...FLEETOPS_ACTOR, action, target: shortAlertId(alertId), outcome: 'ok', detail });
  }

  /**
   * The escalation of an alert still waiting for someone. The alert's own state counts too: the
   * chain learns of an acknowledgement only at its next due page, which may never come.
   */
  private async paging(alertId: string): Promise<EscalationState> {
    const state = await this.deps.oncall.escalations.get(alertId);
    const alert = state && !state.acknowledgedAt ? await this.deps.alert(alertId) : undefined;
    if (!state || alert?.state !== 'New' || alert.resolved) throw new Refusal('escalation_not_active', { alertId });
    return state;
  }

  /** Acknowledge stops every further page. */
  async acknowledge(alertId: string, by: string): Promise<void> {
    const state = await this.deps.oncall.escalations.get(alertId);
    if (state) await this.deps.oncall.escalations.update(acknowledged(state, by, this.deps.clock.now()));
  }

  /**
   * Reassign…: the rotation's person `memberId` is paged now instead; the chain goes on from them if
   * they do not acknowledge either. Someone outside the rotation (a stale picker) is refused. Returns whom.
   */
  async reassign(alertId: string, memberId: string, by: string): Promise<Member> {
    const state = await this.paging(alertId);
    const member = (await peopleOf(this.deps.oncall, state)).find((p) => p.id.toLowerCase() === memberId.toLowerCase());
    if (!member) throw new Refusal('escalation_member_not_in_rotation', { alertId, memberId, rotation: state.rotation });
    if (!(await this.deps.oncall.escalations.update(reassign(state, member, this.deps.clock.now()))))
      throw new Refusal('escalation_changed_meanwhile', { alertId });
    await this.deps.oncall.timeline.append({ alertId, at: this.deps.clock.now().toISOString(), kind: 'reassigned', actor: by, detail: `to ${member.name}` });
    await this.tick();
    await this.deps.republish?.(alertId);
    return member;
  }

  /** The Escalate button: the next level is paged now. Returns whom. */
  async escalate(alertId: string, by: string): Promise<Member> {
    const state = await this.paging(alertId);
    const next = escalateNow(state, this.deps.clock.now());
    if (!next) throw new Refusal('escalation_nobody_left', { alertId });
    if (!(await this.deps.oncall.escalations.update(next))) throw new Refusal('escalation_changed_meanwhile', { alertId });
    const member = state.pages[state.nextPage]!.member;
    await this.deps.oncall.timeline.append({ alertId, at: this.deps.clock.now().toISOString(), kind: 'escalated', actor: by, detail: `to ${member.name}` });
    await this.tick();
    await this.deps.republish?.(alertId);
    return member;
  }
}

function stopReason(alert: AlertGlance | undefined): string {
  if (!alert) return 'paging stopped: the alert is gone';
  if (alert.state === 'Acknowledged') return `paging stopped: acknowledged by ${alert.acknowledgedBy ?? 'someone'}`;
  return alert.resolved ? 'paging stopped: the alert resolved' : 'paging stopped: the alert was closed';
}
