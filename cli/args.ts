/** A tiny argument reader: positionals and `--flag [value]`. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string | true>;
}

const VALUED = new Set(['table', 'file', 'max-rows', 'timeout', 'data-dir', 'device']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (inline !== undefined) flags.set(name, inline);
      else if (VALUED.has(name) && i + 1 < argv.length) flags.set(name, argv[++i]);
      else flags.set(name, true);
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, flags };
}
