/** A query the embedded engine cannot run, with the position of the mistake. */
export class KqlError extends Error {
  override readonly name = 'KqlError';
  constructor(
    message: string,
    /** 1-based */
    readonly line: number,
    /** 1-based */
    readonly column: number,
    /** The offending line with a caret under the mistake. */
    readonly caret: string,
    readonly code?: string,
  ) {
    super(message);
  }

  /** The message followed by the line and a caret, for chat and the CLI. */
  describe(): string {
    return `${this.message} (line ${this.line}, column ${this.column})\n${this.caret}`;
  }
}

/** Builds a KqlError for `start`/`length` in `text`. */
export function errorAt(text: string, start: number, length: number, message: string, code?: string): KqlError {
  const safeStart = Math.max(0, Math.min(start, text.length));
  const before = text.slice(0, safeStart);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const lineText = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  const column = safeStart - lineStart + 1;
  const caret = `${lineText}\n${' '.repeat(column - 1)}${'^'.repeat(Math.max(1, Math.min(length, lineText.length - column + 1)))}`;
  return new KqlError(message, line, column, caret, code);
}

/** Thrown by the converter/translator; compile.ts turns it into a positioned KqlError. */
export class UnsupportedError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly length: number,
  ) {
    super(message);
  }
}

export const notSupported = (what: string): string => `${what} is not supported by the embedded store (it works on Log Analytics)`;
