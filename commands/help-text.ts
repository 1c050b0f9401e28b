import type { CommandRegistry } from './registry';
import type { CommandSpec } from './spec';

export function helpForUnknown(registry: CommandRegistry, word: string): string {
  if (word === '') return 'Hi! Type `help` to see what I can do.';
  const suggestions = registry.suggest(word);
  const didYouMean = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : '';
  return `I don't know the command \`${truncate(word, 40)}\`.${didYouMean} Type \`help\` for the list.`;
}

export function usageError(command: CommandSpec, problem: string): string {
  const examples = command.examples
    .slice(0, 2)
    .map((e) => `\`${e}\``)
    .join(', ');
  return `${problem}\n\nUsage: \`${command.usage}\`${examples ? ` — for example ${examples}` : ''}. Type \`help ${command.name}\` for details.`;
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
