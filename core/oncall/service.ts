import type { Actor } from '../access/identity';
import type { Clock } from '../clock';
import type { OnCallDocument } from './file';
import { maintenanceFor, parseMaintenanceWindow, type MaintenanceWindow } from './maintenance';
import { overlapping, parseDuration, validateOverride, type Override } from './override';
import type { OnCallStore } from './repository';
import { sameMember, validateRotation, type Checked, type Member, type Rotation, type RotationInput } from './rotation';
import { nowAndNext, onCallAt, shiftsOf, type MyShift, type OnCall } from './schedule';
import type { Alert } from '../alerts/alert';
import { Refusal } from '../refusal';

/** The value, or the refusal thrown: nothing was saved. */
const must = <T>(checked: Checked<T>): T => {
  if (!checked.ok) throw checked.refusal;
  return checked.value;
};

/** Who may speak of whom: the actor's Entra id, Teams id and UPN all name them. */
export const keysOf = (actor: Pick<Actor, 'id' | 'upn'>): string[] => [actor.id, ...(actor.upn ? [actor.upn] : [])];
export const isActor = (member: Member, actor: Pick<Actor, 'id' | 'upn'>): boolean => keysOf(actor).some((key) => sameMember(member, { id: key }));

/** On call: schedules, overrides and maintenance windows over the store, on the bot's clock. */
export class OnCallService {
  /** The maintenance windows as last read: alert ingestion asks synchronously (refreshed on change and by the tick). */
  private windows: readonly MaintenanceWindow[] = [];

  constructor(
    private readonly store: OnCallStore,
    private readonly clock: Clock,
    /** Alert rule → runbook URL, from ONCALL_FILE. */
    readonly runbooks: Readonly<Record<string, string>> = {},
  ) {}

  get timeline() {
    return this.store.timeline;
  }

  get escalations() {
    return this.store.escalations;
  }

  get personalChats() {
    return this.store.personalChats;
  }

  /** ONCALL_FILE: its rotations replace those of the same name; its windows are added once. */
  async load(doc: OnCallDocument): Promise<void> {
    for (const rotation of doc.rotations) await this.store.rotations.save(rotation, 'ONCALL_FILE');
    const existing = await this.store.maintenance.list();
    for (const window of doc.maintenance) {
      const known = existing.some((w) => w.filter === window.filter && JSON.stringify(w.window) === JSON.stringify(window.window));
      if (!known) await this.store.maintenance.add(window);
    }
    await this.refreshWindows();
  }

  rotations(): Promise<Rotation[]> {
    return this.store.rotations.list();
  }

  async rotation(name: string): Promise<Rotation> {
    const found = await this.store.rotations.get(name.toLowerCase());
    if (!found) throw await this.notFound(name);
    return found;
  }

  private async notFound(name: string): Promise<Refusal<'rotation_not_found'>> {
    return new Refusal('rotation_not_found', { name, known: (await this.store.rotations.list()).map((r) => r.name) });
  }

  /** Now and next for every rotation (or one). */
  async whoIsOnCall(name?: string): Promise<Array<{ rotation: Rotation; now: OnCall; next: OnCall }>> {
    const rotations = name ? [await this.rotation(name)] : await this.store.rotations.list();
    const at = this.clock.now();
    const overrides = await this.store.overrides.list({ endingAfter: at });
    return rotations.map((rotation) => ({ rotation, ...nowAndNext(rotation, overrides, at) }));
  }

  async onCall(name: string, at = this.clock.now()): Promise<{ rotation: Rotation; onCall: OnCall } | undefined> {
    const rotation = await this.store.rotations.get(name.toLowerCase());
    if (!rotation) return undefined;
    const overrides = await this.store.overrides.list({ rotation: rotation.name, endingAfter: at });
    return { rotation, onCall: onCallAt(rotation, overrides, at) };
  }

  async myShifts(actor: Pick<Actor, 'id' | 'upn'>, days = 28): Promise<MyShift[]> {
    const from = this.clock.now();
    const to = new Date(from.getTime() + days * 86_400_000);
    const rotations = await this.store.rotations.list();
    const overrides = await this.store.overrides.list({ endingAfter: from });
    const found = keysOf(actor).flatMap((key) => shiftsOf(key, rotations, overrides, from, to));
    const unique = new Map(found.map((s) => [`${s.rotation}|${s.level}|${s.start.toISOString()}`, s]));
    return [...unique.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  async saveRotation(input: RotationInput, actor: Actor): Promise<Rotation> {
    const rotation = must(validateRotation(input));
    await this.store.rotations.save(rotation, actor.name);
    return rotation;
  }

  /** Refuses (`rotation_not_found`) a name there is no rotation of. */
  async removeRotation(name: string): Promise<void> {
    if (!(await this.store.rotations.remove(name.toLowerCase()))) throw await this.notFound(name);
  }

  /** `oncall override berlin-ops me 4h [from <ISO time>]`. Taking it for yourself is for operators; for others, admins (checked by the command). */
  async addOverride(input: { rotation: string; member: Member; duration: string; from?: string; createdBy: string }): Promise<Override> {
    const rotation = await this.rotation(input.rotation);
    const start = input.from ? new Date(input.from) : this.clock.now();
    if (Number.isNaN(start.getTime())) throw new Refusal('override_start_invalid', { from: input.from ?? '' });
    const candidate = must(
      validateOverride({ rotation: rotation.name, member: input.member, start, durationMs: parseDuration(input.duration), createdBy: input.createdBy }),
    );
    const added = await this.store.overrides.add(candidate);
    if (!added.ok) throw overlapping(added.overlaps);
    return added.override;
  }

  overrides(): Promise<Override[]> {
    return this.store.overrides.list({ endingAfter: this.clock.now() });
  }

  async removeOverride(id: number): Promise<Override | undefined> {
    return this.store.overrides.remove(id);
  }

  async scheduleSilence(text: string, actor: Actor): Promise<MaintenanceWindow> {
    const added = await this.store.maintenance.add(must(parseMaintenanceWindow(text, actor.name)));
    await this.refreshWindows();
    return added;
  }

  async refreshWindows(): Promise<void> {
    this.windows = await this.store.maintenance.list();
  }

  /** The maintenance window holding `alert` now, from the last read windows (no I/O: asked inside alert ingestion). */
  heldBy(alert: Pick<Alert, 'severity' | 'site' | 'deviceId' | 'rule'>, at = this.clock.now()) {
    return maintenanceFor(alert, this.windows, at);
  }

  maintenanceWindows(): Promise<MaintenanceWindow[]> {
    return this.store.maintenance.list();
  }

  async removeMaintenanceWindow(id: number): Promise<MaintenanceWindow | undefined> {
    const removed = await this.store.maintenance.remove(id);
    await this.refreshWindows();
    return removed;
  }

  async inMaintenance(alert: Pick<Alert, 'severity' | 'site' | 'deviceId' | 'rule'>, at = this.clock.now()) {
    return maintenanceFor(alert, await this.store.maintenance.list(), at);
  }
}
