/** Messages between the bot and its KQL compiler process (structured clone: bigints survive). */
import type { CompiledQuery, CompileOptions } from './compile';
import type { TableSchema } from './schema';

export type CompilerRequest =
  | { readonly type: 'tables'; readonly tables: readonly TableSchema[] }
  | { readonly type: 'warm' }
  | { readonly type: 'compile'; readonly id: number; readonly text: string; readonly options: CompileOptions };

export interface KqlErrorShape {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly caret: string;
  readonly code?: string;
}

export type CompilerReply =
  | { readonly type: 'warmed' }
  | { readonly type: 'compiled'; readonly id: number; readonly result: CompiledQuery }
  | { readonly type: 'mistake'; readonly id: number; readonly error: KqlErrorShape }
  | { readonly type: 'failed'; readonly id: number; readonly message: string; readonly stack?: string };
