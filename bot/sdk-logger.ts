import type { ILogger } from '@microsoft/teams.common';
import type { Logger } from '../core/logger';

/** Routes the Teams SDK's own logging into our JSON log (its info is our debug: it is chatty). */
export function sdkLogger(log: Logger, name = 'teams-sdk'): ILogger {
  const child = log.child({ component: name });
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  const logger: ILogger = {
    debug: (...msg) => child.debug(text(msg)),
    trace: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.debug(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    log: (level, ...msg) => (level === 'error' ? child.error(text(msg)) : level === 'warn' ? child.warn(text(msg)) : child.debug(text(msg))),
    child: (childName) => sdkLogger(log, `${name}/${childName}`),
  };
  return logger;
}
