/**
 * Where KQL is compiled: in this process (the CLI, tests) or in a compiler process of its
 * own (the bot). Both run the same KqlCompiler; the host only decides who pays for
 * Microsoft's parser: ~120 MB of heap and code, seconds of CPU to warm, and a synchronous
 * parse that would otherwise hold the bot's event loop.
 */
import { QueryInterrupted, type Deadline } from '../deadline';
import { KqlCompiler, type CompiledQuery, type CompileOptions } from './compile';
import { warmUpKusto } from './kusto';
import type { TableSchema } from './schema';

export interface QueryCompiler {
  /** Rejects with KqlError (the position of the mistake) or QueryInterrupted. */
  compile(text: string, options: CompileOptions, deadline?: Deadline): Promise<CompiledQuery>;
  /** Call when a table is created or its columns change. */
  setTables(tables: readonly TableSchema[]): void;
  /** Loads the parser ahead of the first query. Never rejects. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

export class InProcessCompiler implements QueryCompiler {
  private readonly compiler: KqlCompiler;

  constructor(tables: readonly TableSchema[]) {
    this.compiler = new KqlCompiler(tables);
  }

  async compile(text: string, options: CompileOptions, deadline: Deadline = {}): Promise<CompiledQuery> {
    // A synchronous parse cannot be interrupted midway; a cancelled query stops here.
    if (deadline.abortSignal?.aborted) throw new QueryInterrupted('aborted');
    return this.compiler.compile(text, options);
  }

  /** Translation only, synchronously (tests and the benchmark). */
  compileNow(text: string, options: CompileOptions): CompiledQuery {
    return this.compiler.compile(text, options);
  }

  setTables(tables: readonly TableSchema[]): void {
    this.compiler.setTables(tables);
  }

  warmUp(): Promise<void> {
    return warmUpKusto();
  }

  async close(): Promise<void> {}
}
