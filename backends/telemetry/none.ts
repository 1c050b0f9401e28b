import type { Telemetry } from './port';

export const noTelemetry: Telemetry = {
  trackCommand() {},
  trackCardAction() {},
  trackException() {},
  trackEvent() {},
  flush: async () => {},
};
