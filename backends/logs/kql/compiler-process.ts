/**
 * The KQL compiler process (forked by ChildProcessCompiler): holds Microsoft's parser and
 * compiles one query at a time. It has no state worth keeping: the parent re-sends the
 * tables when it starts a new one, and it exits when the parent goes away.
 */
import { KqlCompiler } from './compile';
import { KqlError } from './errors';
import type { CompilerReply, CompilerRequest } from './compiler-protocol';
import { warmUpKusto } from './kusto';

const compiler = new KqlCompiler([]);

function reply(message: CompilerReply): void {
  // The bot may have stopped meanwhile: then there is no one to answer.
  if (process.connected) process.send?.(message, undefined, {}, () => {});
}

function handle(request: CompilerRequest): void {
  switch (request.type) {
    case 'tables':
      compiler.setTables(request.tables);
      return;
    case 'warm':
      void warmUpKusto().then(() => reply({ type: 'warmed' }));
      return;
    case 'compile':
      try {
        reply({ type: 'compiled', id: request.id, result: compiler.compile(request.text, request.options) });
      } catch (error) {
        if (error instanceof KqlError) {
          const { message, line, column, caret, code } = error;
          reply({ type: 'mistake', id: request.id, error: { message, line, column, caret, code } });
        } else {
          const failure = error instanceof Error ? error : new Error(String(error));
          reply({ type: 'failed', id: request.id, message: failure.message, stack: failure.stack });
        }
      }
      return;
  }
}

process.on('message', (message) => handle(message as CompilerRequest));
process.on('disconnect', () => process.exit(0));
