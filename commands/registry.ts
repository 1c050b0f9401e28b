import type { CommandSpec, CardActionSpec } from './spec';
import { rankNearest } from '../core/text/nearest';

/**
 * The single source of truth for commands: lookup by name or alias, help, "did you
 * mean" and the Teams manifest's command list are all derived from it.
 */
export class CommandRegistry {
  private readonly byWord = new Map<string, CommandSpec>();
  private readonly ordered: CommandSpec[] = [];
  private readonly groups = new Map<CommandSpec, string>();
  private readonly actions = new Map<string, CardActionSpec>();

  constructor(commands: readonly CommandSpec[] = [], actions: readonly CardActionSpec[] = []) {
    for (const command of commands) this.register(command);
    for (const action of actions) this.registerAction(action);
  }

  /** `group` is the area the command belongs to (the feature), used to arrange help. */
  register(command: CommandSpec, group = 'General'): this {
    for (const word of [command.name, ...(command.aliases ?? [])]) {
      const key = word.toLowerCase();
      const existing = this.byWord.get(key);
      if (existing) throw new Error(`Command word "${word}" of "${command.name}" is already taken by "${existing.name}"`);
      this.byWord.set(key, command);
    }
    this.ordered.push(command);
    this.groups.set(command, group);
    return this;
  }

  registerAction(action: CardActionSpec): this {
    if (this.actions.has(action.verb)) throw new Error(`Card action verb "${action.verb}" is registered twice`);
    this.actions.set(action.verb, action);
    return this;
  }

  /** Finds the command for the first word(s) of `text`; multi-word names ("rollout plan") win over shorter ones. */
  resolve(text: string): { command: CommandSpec; input: string } | undefined {
    const words = text.trim().split(/\s+/);
    for (let n = Math.min(3, words.length); n >= 1; n--) {
      const candidate = words.slice(0, n).join(' ').toLowerCase();
      const command = this.byWord.get(candidate);
      if (command) return { command, input: words.slice(n).join(' ') };
    }
    return undefined;
  }

  action(verb: string): CardActionSpec | undefined {
    return this.actions.get(verb);
  }

  groupOf(command: CommandSpec): string {
    return this.groups.get(command) ?? 'General';
  }

  list(): readonly CommandSpec[] {
    return this.ordered;
  }

  /** Up to three known words closest to what the user typed. */
  suggest(word: string): string[] {
    return rankNearest(word, this.byWord.keys(), { max: 3, prefixCounts: true });
  }
}
