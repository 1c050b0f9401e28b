import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqliteDatabase } from './driver';

/**
 * One SQLite connection, many callers: a unit of work holds the connection's transaction
 * open across `await`s, so a call from elsewhere that ran meanwhile would silently join
 * it (and be rolled back with it). The gate lets calls made inside the unit of work through
 * (AsyncLocalStorage tells which they are) and queues the others until it commits.
 * With no unit of work open, a call runs at once, synchronously, as before.
 */
export class SqliteGate {
  private readonly context = new AsyncLocalStorage<object>();
  private owner: object | undefined;
  private waiters: Array<() => void> = [];

  /** True when the caller runs inside the open unit of work. */
  get inside(): boolean {
    return this.owner !== undefined && this.context.getStore() === this.owner;
  }

  /** Runs `fn` now when the connection is free (or ours), else after the open unit of work. */
  call<T>(fn: () => T): Promise<T> {
    if (this.owner === undefined || this.inside) {
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.free().then(() => this.call(fn));
  }

  /** Runs `work` holding the connection: only calls made from inside it get through until it settles. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.owner !== undefined) await this.free();
    const owner = {};
    this.owner = owner;
    try {
      return await this.context.run(owner, work);
    } finally {
      this.owner = undefined;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  private free(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

const gates = new WeakMap<SqliteDatabase, SqliteGate>();

/** The connection's gate (one per connection, shared by every store on it). */
export function gateOf(db: SqliteDatabase): SqliteGate {
  let gate = gates.get(db);
  if (!gate) {
    gate = new SqliteGate();
    gates.set(db, gate);
  }
  return gate;
}

/** A repository port with its methods made synchronous: what a SQLite store implements. */
export type Synchronous<P> = { [K in keyof P]: P[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : P[K] };

/**
 * The port of a synchronous store: each method goes through the connection's gate and
 * returns a promise. Calls inside the store (`this.x()`) stay synchronous.
 */
export function gated<P extends object>(store: Synchronous<P>, db: SqliteDatabase): P {
  const gate = gateOf(db);
  const handler: ProxyHandler<Synchronous<P>> = {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => gate.call(() => value.apply(target, args));
    },
  };
  return new Proxy(store, handler) as P;
}
