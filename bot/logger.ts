import pino from 'pino';
import type { Logger } from '../core/logger';

/**
 * JSON logs (pino). Secrets never reach them: known secret fields are redacted
 * wherever they appear, and config values are never logged whole.
 */
export const REDACTED_PATHS = [
  'password',
  'secret',
  'token',
  'clientSecret',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.clientSecret',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'fleetops' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
