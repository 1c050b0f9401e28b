import type { Router } from 'express';
import type { AppConfig } from '../../core/config/config';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Migration, SqliteDatabase } from '../../backends/store/sqlite/database';
import type { CommandSpec, CardActionSpec } from '../../commands/spec';
import type { Notifier } from '../../core/notifications/notifier';
import type { SubscriptionRepository, Topic } from '../../core/conversations/subscription';
import type { Refusal } from '../../core/refusal';
import type { AuditLog } from '../../core/audit/audit-log';
import type { Telemetry } from '../../core/ports/telemetry';
import type { UnitOfWork } from '../../core/unit-of-work';
import type { StateStores } from '../state';
import type { Scheduler } from '../../core/scheduling/scheduler';
import type { Provided } from './provided';

/** What the composition root gives every feature, whatever it needs. */
export interface Platform {
  readonly config: AppConfig;
  readonly clock: Clock;
  /** The feature's own logger (`feature: <name>`). */
  readonly log: Logger;
  /** DATA_DIR/fleetops.sqlite: the SQLite state, or the embedded fleet's registry; absent on PostgreSQL with the production backends. */
  readonly db?: SqliteDatabase;
  /** Makes a group of store writes atomic and durable (the outbox's included). */
  readonly unitOfWork: UnitOfWork;
  /** The state's repositories, on SQLite or PostgreSQL as configured. */
  readonly stores: StateStores;
  /** The one way to run timed work: named jobs, on one replica (under a lease) or on each (core/scheduling). */
  readonly scheduler: Scheduler;
  readonly notifier: Notifier;
  readonly subscriptions: SubscriptionRepository;
  readonly audit: AuditLog;
  readonly telemetry: Telemetry;
  /** The bot's own base URL (e.g. http://127.0.0.1:3978), for local adapters posting to its webhooks. */
  readonly selfUrl: string;
}

/** What a feature named `N` provides to the others (bot/features/provided.ts); nothing for a name not listed there (tests). */
export type ProvidedBy<N> = N extends keyof Provided ? Provided[N] : Record<never, never>;
type ProvidedByAll<Names extends readonly unknown[]> = Names extends readonly [infer First, ...infer Rest] ? ProvidedBy<First> & ProvidedByAll<Rest> : unknown;

/** A feature's dependencies: the platform, what its `needs` provide, and what its `uses` provide when they are there. */
export type FeatureDeps<Needs extends readonly string[], Uses extends readonly string[]> = Platform & ProvidedByAll<Needs> & Partial<ProvidedByAll<Uses>>;

/** What `create` builds: the services it provides, and how it plugs into the bot. */
export interface BuiltFeature<P> {
  /** Given to the features that need or use this one, and to this feature's commands. */
  readonly provides: P;
  /** Mounted at `path` on the bot's HTTP server (e.g. '/api/alerts'). */
  readonly routes?: ReadonlyArray<{ path: string; router: Router }>;
  /** Validates subscription filters of the topic this feature owns: undefined, or the refusal saying what to fix (coded, unworded). */
  readonly validateSubscriptionFilter?: { topic: Topic; validate(filter: string): Refusal | undefined };
  /**
   * What someone trying FleetOps locally needs to post test events to this feature's webhook
   * (variable name → value, e.g. a token generated for this run). Only used in local mode:
   * printed in the start banner and saved for `fleetops send`.
   */
  readonly localSecrets?: Readonly<Record<string, string>>;
  /** A personal chat with someone was seen (`keys`: their ids and UPN): where messages for that person go. */
  onPersonalChat?(keys: readonly string[], conversationId: string): Promise<void>;
  /** Background work (jobs, simulator); called once the HTTP server listens, in build order. */
  start?(): Promise<void>;
  /** Stop timers, flush, close files. Called in reverse build order on shutdown. */
  stop?(): Promise<void>;
  /** For /readyz: throws or returns a problem string when not ready. */
  ready?(): Promise<string | undefined>;
}

/** A built feature with its commands and card actions bound to their dependencies, as the registry takes them. */
export interface RunningFeature extends BuiltFeature<object> {
  readonly name: string;
  bindCommands(later: object): { commands: readonly CommandSpec[]; actions: readonly CardActionSpec[] };
}

/**
 * A feature as the composition root sees it: what is static (its name, what it needs, its
 * tables, its commands for help and the Teams manifest) is known without building anything.
 */
export interface Feature {
  readonly name: string;
  /** Features built before this one; a missing one is a start-up error. */
  readonly needs: readonly string[];
  /** Features built before this one when they are part of the bot; their services are optional. */
  readonly uses: readonly string[];
  /** Features whose services the commands use when they are there, built in any order (commands run after start-up). */
  readonly commandsMayUse: readonly string[];
  readonly migrations: readonly Migration[];
  /** As declared: for help, docs and the manifest (their `run` is called only once bound). */
  readonly commands: readonly CommandInfo[];
  readonly actions: readonly Pick<CardActionSpec, 'verb' | 'role'>[];
  /** `deps` holds the platform and the services of every feature in `needs` and `uses` that was built. */
  build(deps: Platform, present: ReadonlySet<string>): Promise<RunningFeature>;
}

/** What help, the docs test and the manifest read of a command. */
export type CommandInfo = Omit<CommandSpec, 'run'>;

/** The dependencies of a feature's commands and card actions: its own, its services, and those of `commandsMayUse` when present. */
export type CommandDeps<Name extends string, Needs extends readonly string[], Uses extends readonly string[], Later extends readonly string[]> = FeatureDeps<
  Needs,
  Uses
> &
  ProvidedBy<Name> &
  Partial<ProvidedByAll<Later>>;

export interface FeatureDefinition<Name extends string, Needs extends readonly string[], Uses extends readonly string[], Later extends readonly string[]> {
  readonly name: Name;
  readonly needs: Needs;
  readonly uses?: Uses;
  readonly commandsMayUse?: Later;
  readonly migrations?: readonly Migration[];
  readonly commands?: readonly CommandSpec<unknown, CommandDeps<Name, Needs, Uses, Later>>[];
  readonly actions?: readonly CardActionSpec<unknown, CommandDeps<Name, Needs, Uses, Later>>[];
  create(deps: FeatureDeps<Needs, Uses>): Promise<BuiltFeature<ProvidedBy<Name>>>;
}

/**
 * Declares a feature: its name, the features it needs (and uses when present), and how it is
 * built from them. TypeScript types `create`'s deps from `needs` and `uses`, and checks that
 * each command's declared services are among the feature's (bot/features/provided.ts says
 * what each feature provides). The composition root (bot/compose.ts) orders the features.
 */
export function defineFeature<
  const Name extends string,
  const Needs extends readonly string[] = [],
  const Uses extends readonly string[] = [],
  const Later extends readonly string[] = [],
>(definition: FeatureDefinition<Name, Needs, Uses, Later>): Feature {
  const { name, needs } = definition;
  const uses = definition.uses ?? [];
  const commands = definition.commands ?? [];
  const actions = definition.actions ?? [];
  return {
    name,
    needs,
    uses,
    commandsMayUse: definition.commandsMayUse ?? [],
    migrations: definition.migrations ?? [],
    commands,
    actions,
    async build(platform, present) {
      // The root builds a feature only once all its needs are built: this check makes that a type.
      const hasNeeds = (deps: Platform): deps is FeatureDeps<Needs, Uses> => needs.every((need) => present.has(need));
      if (!hasNeeds(platform)) throw new Error(`Feature "${name}" was built before ${needs.filter((n) => !present.has(n)).join(', ')}`);
      const deps = platform;
      const built = await definition.create(deps);
      return {
        ...built,
        name,
        bindCommands(later) {
          // `later` holds the services of the `commandsMayUse` features this bot has, each made by its own typed `create`.
          const services = { ...later, ...deps, ...built.provides } as CommandDeps<Name, Needs, Uses, Later>;
          return {
            commands: commands.map((command) => bindCommand(command, services)),
            actions: actions.map((action) => bindAction(action, services)),
          };
        },
      };
    },
  };
}

/** `command` as the registry runs it: its turn's services replaced by `services`, its dependencies. */
export function bindCommand<Args, S>(command: CommandSpec<Args, S>, services: S): CommandSpec<Args> {
  return { ...command, run: (ctx, args) => command.run({ ...ctx, services }, args) };
}

/** `action` as the registry runs it: its turn's services replaced by `services`, its dependencies. */
export function bindAction<Data, S>(action: CardActionSpec<Data, S>, services: S): CardActionSpec<Data> {
  const { afterRefusal } = action;
  return {
    ...action,
    run: (ctx, data) => action.run({ ...ctx, services }, data),
    afterRefusal: afterRefusal && ((ctx, data, refused) => afterRefusal({ ...ctx, services }, data, refused)),
  };
}
