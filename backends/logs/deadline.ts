/** How long a query may take, and how it is called off: compiling and running share both. */
export interface Deadline {
  readonly timeoutInMs?: number;
  readonly abortSignal?: AbortSignal;
}

/** The query did not finish: it ran past its timeout, or was cancelled. */
export class QueryInterrupted extends Error {
  constructor(readonly reason: 'timeout' | 'aborted') {
    super(reason === 'timeout' ? 'The query took too long and was stopped' : 'The query was cancelled');
  }
}
