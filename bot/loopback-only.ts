/**
 * A preload that makes every server a process opens listen on loopback only. The Agents
 * Playground's CLI has no host option: it calls `server.listen(port)`, which listens on
 * every interface, and anyone who reached that port could post activities as any user.
 * Given to the Playground's Node.js as `--import data:…`, so nothing has to be shipped
 * beside the compiled bot. Unix sockets and inherited handles are left alone.
 */
const PRELOAD = `
import net from 'node:net';
const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined || first.fd !== undefined || first._handle !== undefined || first.handle !== undefined) return listen.apply(this, args);
    return listen.call(this, { ...first, host: LOOPBACK }, ...args.slice(1));
  }
  if (typeof first === 'string' && !/^\\d+$/.test(first)) return listen.apply(this, args);
  const port = typeof first === 'number' || typeof first === 'string' ? args.shift() : 0;
  if (typeof args[0] === 'string' || args[0] === undefined && args.length > 0) args.shift();
  return listen.call(this, port, LOOPBACK, ...args);
};
`;

/** Node.js flags that load the preload. */
export const LOOPBACK_ONLY_EXEC_ARGV: readonly string[] = ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`];
