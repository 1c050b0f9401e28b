/**
 * A preload that makes every server a process opens listen on loopback only. The Agents
 * Playground's CLI has no host option: it calls `server.listen(port)`, which listens on
 * every interface, and anyone who reached that port could post activities as any user.
 * Given to the Playground's Node.js as `--import data:…`, so nothing has to be shipped
 * beside the compiled bot. Unix sockets and inherited handles are left alone.
 */
const PRELOAD = `
import net from 'node:net';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  // Every overload in its options form: listen(options), listen(path), listen([port[, host][, backlog]]).
  const callback = typeof args.at(-1) === 'function' ? [args.pop()] : [];
  const [first, ...rest] = args;
  const options = first !== null && typeof first === 'object' ? first
    : typeof first === 'string' && !/^\\d+$/.test(first) ? { path: first }
    : { port: first ?? 0, backlog: rest.find((a) => typeof a === 'number') };
  if (options.path !== undefined || options.fd !== undefined || options.handle !== undefined || options._handle !== undefined) return listen.call(this, ...args, ...callback);
  return listen.call(this, { ...options, host: '127.0.0.1' }, ...callback);
};
`;

/** Node.js flags that load the preload. */
export const LOOPBACK_ONLY_EXEC_ARGV: readonly string[] = ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`];
