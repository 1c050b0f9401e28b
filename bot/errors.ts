import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger';
import type { Telemetry } from '../core/ports/telemetry';

/** Known misconfigurations and outages, mapped to a line that says what to do. */
const HINTS: Array<{ test: (e: Error) => boolean; hint: string }> = [
  { test: (e) => /SQLITE_BUSY|database is locked/i.test(e.message), hint: 'The state store is busy; try again in a moment.' },
  {
    test: (e) => /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|fetch failed/i.test(e.message),
    hint: 'A backend did not answer; try again, and check /readyz if it persists.',
  },
  {
    test: (e) => /AuthenticationError|CredentialUnavailable|401|403/i.test(`${e.name} ${e.message}`),
    hint: 'The bot could not authenticate to Azure; an admin should check its identity and role assignments.',
  },
];

/**
 * The chat surface's one error handler: the user gets a short line with what to try and
 * a correlation id; the log gets the stack, the activity id, and no secrets.
 */
export function handleTurnError(error: unknown, context: { activityId: string; log: Logger; telemetry: Telemetry; what: string }): string {
  const correlationId = randomUUID().slice(0, 8);
  const err = error instanceof Error ? error : new Error(String(error));
  context.log.error(
    { err: { name: err.name, message: err.message, stack: err.stack }, activityId: context.activityId, correlationId },
    `${context.what} failed`,
  );
  context.telemetry.trackException(err, { activityId: context.activityId, correlationId, what: context.what });
  const hint = HINTS.find((h) => h.test(err))?.hint ?? 'Please try again; if it keeps failing, give an admin the reference below.';
  return `Sorry, something went wrong with ${context.what}. ${hint} (reference: ${correlationId})`;
}
