/**
 * Compiles KQL in a process of its own (compiler-process.ts), so the parser's memory and
 * its synchronous work stay out of the bot: alert webhooks, card clicks and `help` never
 * wait behind a parse, and a compile that runs past the query's timeout is stopped by
 * ending that process, which an in-process parse could not be.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../../../core/logger';
import type { CompiledQuery, CompileOptions } from './compile';
import type { CompilerReply, CompilerRequest } from './compiler-protocol';
import { KqlError } from './errors';
import { QueryInterrupted, type Deadline } from '../deadline';
import type { QueryCompiler } from './query-compiler';
import type { TableSchema } from './schema';

export interface ChildProcessCompilerOptions {
  readonly logger?: Logger;
  /** Extra Node.js flags for the compiler process. */
  readonly execArgv?: readonly string[];
}

interface Pending {
  readonly text: string;
  readonly options: CompileOptions;
  readonly resolve: (result: CompiledQuery) => void;
  readonly reject: (error: Error) => void;
  readonly cleanup: () => void;
  /** Compiler processes that ended while this request was in them. */
  crashes: number;
}

/** The parser's working set is small and short-lived: a small young generation keeps RSS down. */
const DEFAULT_EXEC_ARGV = ['--max-semi-space-size=2', '--max-old-space-size=512'];

export class ChildProcessCompiler implements QueryCompiler {
  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private warmed?: Promise<void>;
  private warming = false;
  private closed = false;

  constructor(
    private tables: readonly TableSchema[],
    private readonly options: ChildProcessCompilerOptions = {},
  ) {}

  compile(text: string, options: CompileOptions, deadline: Deadline = {}): Promise<CompiledQuery> {
    if (this.closed) return Promise.reject(new Error('The KQL compiler is closed'));
    if (deadline.abortSignal?.aborted) return Promise.reject(new QueryInterrupted('aborted'));
    const id = this.nextId++;
    return new Promise<CompiledQuery>((resolve, reject) => {
      const timer =
        deadline.timeoutInMs !== undefined
          ? setTimeout(() => {
              this.settle(id)?.reject(new QueryInterrupted('timeout'));
              // The parse may be stuck: only ending the process stops it. Others in it are re-sent.
              this.child?.kill('SIGKILL');
            }, deadline.timeoutInMs)
          : undefined;
      const onAbort = () => this.settle(id)?.reject(new QueryInterrupted('aborted'));
      deadline.abortSignal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        deadline.abortSignal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, { text, options, resolve, reject, cleanup, crashes: 0 });
      this.send({ type: 'compile', id, text, options });
    });
  }

  setTables(tables: readonly TableSchema[]): void {
    this.tables = tables;
    if (this.child) this.send({ type: 'tables', tables });
  }

  warmUp(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.warmed ??= new Promise<void>((resolve) => {
      const child = this.ensureChild();
      const done = (message: CompilerReply) => {
        if (message.type === 'warmed') finish();
      };
      const finish = () => {
        child.off('message', done);
        child.off('exit', finish);
        this.warming = false;
        this.updateRef(child);
        resolve();
      };
      child.on('message', done);
      child.once('exit', finish);
      this.warming = true;
      this.send({ type: 'warm' });
    });
    return this.warmed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new Error('The bot is stopping'));
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect();
    const killer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(killer);
  }

  private send(request: CompilerRequest): void {
    const child = this.ensureChild();
    child.send(request);
    this.updateRef(child);
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const entry = path.join(__dirname, `compiler-process${path.extname(__filename)}`);
    // From TypeScript sources (npm start, jest) the compiler process needs the same loader.
    const loader = entry.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [];
    const child = fork(entry, [], {
      execArgv: [...loader, ...DEFAULT_EXEC_ARGV, ...(this.options.execArgv ?? [])],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message) => this.onReply(message as CompilerReply));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (error) => this.options.logger?.warn({ err: error.message }, 'KQL compiler process error'));
    this.child = child;
    child.send({ type: 'tables', tables: this.tables } satisfies CompilerRequest);
    return child;
  }

  private onReply(message: CompilerReply): void {
    if (message.type === 'warmed') return;
    const request = this.settle(message.id);
    if (!request) return; // timed out or cancelled meanwhile
    switch (message.type) {
      case 'compiled':
        request.resolve(message.result);
        return;
      case 'mistake': {
        const { message: text, line, column, caret, code } = message.error;
        request.reject(new KqlError(text, line, column, caret, code));
        return;
      }
      case 'failed': {
        const error = new Error(message.message);
        if (message.stack) error.stack = message.stack;
        request.reject(error);
        return;
      }
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    this.warmed = undefined;
    if (this.closed || this.pending.size === 0) return;
    this.options.logger?.warn({ code, signal, pending: this.pending.size }, 'KQL compiler process ended; starting a new one');
    // A request that was in two processes when they ended is the likely cause: give up on it.
    for (const [id, request] of [...this.pending]) {
      request.crashes += 1;
      if (request.crashes >= 2) this.settle(id)?.reject(new Error(`The KQL compiler stopped while compiling this query (${signal ?? `exit code ${code}`})`));
    }
    for (const [id, request] of this.pending) this.send({ type: 'compile', id, text: request.text, options: request.options });
  }

  private settle(id: number): Pending | undefined {
    const request = this.pending.get(id);
    if (!request) return undefined;
    this.pending.delete(id);
    request.cleanup();
    if (this.child) this.updateRef(this.child);
    return request;
  }

  /** An idle compiler process never keeps the bot's process alive. */
  private updateRef(child: ChildProcess): void {
    const busy = this.pending.size > 0 || this.warming;
    const channel = child.channel as { ref(): void; unref(): void } | undefined;
    if (busy) {
      child.ref();
      channel?.ref();
    } else {
      child.unref();
      channel?.unref();
    }
  }
}
