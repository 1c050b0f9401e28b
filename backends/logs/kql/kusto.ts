/**
 * Loads Microsoft's Kusto.Language (the parser and type-checker Log Analytics uses).
 * The package is a Bridge.NET build: its entry point fails under require(), so the
 * bridge runtime and the library are loaded as scripts that define a global
 * `Kusto.Language`. Everything here is untyped on purpose: the library's own types are
 * global namespaces, and only convert.ts (which turns its tree into our AST) touches them.
 */
import path from 'node:path';

/**
 * An object of the Bridge.NET library (the namespace, a syntax node, a symbol...). The one
 * `any` in the source folders (test/architecture.test.ts allows it here only): typing the
 * tree walk against the library's 34,000-line global d.ts is a separate piece of work.
 */
// biome-ignore lint/suspicious/noExplicitAny: Kusto.Language is a Bridge.NET global with no importable types; its tree is read dynamically
export type KustoObject = any;
export type KustoLanguage = KustoObject;

let loaded: KustoLanguage | undefined;
let defaultGlobals: KustoObject;

export function kustoLanguage(): KustoLanguage {
  if (!loaded) {
    const dir = path.dirname(require.resolve('@kusto/language-service-next/package.json'));
    require(path.join(dir, 'bridge.min.js'));
    require(path.join(dir, 'Kusto.Language.Bridge.min.js'));
    const kusto: KustoObject = Reflect.get(globalThis, 'Kusto');
    loaded = kusto.Language;
  }
  return loaded;
}

/** GlobalState.Default takes ~0.4 s to build the first time; keep it. */
export function defaultGlobalState(): KustoObject {
  if (!defaultGlobals) defaultGlobals = kustoLanguage().GlobalState.Default;
  return defaultGlobals;
}

const kindNameCache = new Map<number, string>();

/** SyntaxKind number → its name (e.g. `FilterOperator`). */
export function syntaxKindName(kind: number): string {
  if (kindNameCache.size === 0) {
    const kinds = kustoLanguage().Syntax.SyntaxKind;
    for (const key of Object.keys(kinds)) if (typeof kinds[key] === 'number') kindNameCache.set(kinds[key], key);
  }
  return kindNameCache.get(kind) ?? `Kind${kind}`;
}

let warmed: Promise<void> | undefined;

/**
 * Loads the library and runs one parse so the first user query is not slow
 * (the first parse costs 1–2 s). Runs after the current tick; safe to call repeatedly.
 */
export function warmUpKusto(): Promise<void> {
  // Three synchronous steps (load the library, build the global symbols, a first parse),
  // each up to a second or two: yield to the event loop between them so the bot keeps
  // answering (health checks, chat) while it warms.
  const step = (work: () => void) =>
    new Promise<void>((resolve) =>
      setImmediate(() => {
        try {
          work();
        } catch {
          // Warming is best effort: the first real query reports any real problem.
        }
        resolve();
      }),
    );
  warmed ??= step(() => kustoLanguage())
    .then(() => step(() => defaultGlobalState()))
    .then(() => step(() => kustoLanguage().KustoCode.ParseAndAnalyze('print x = 1 | where x > 0 | summarize count() by bin(x, 1)', defaultGlobalState())));
  return warmed;
}
