import type { Telemetry } from '../../core/ports/telemetry';

export const noTelemetry: Telemetry = {
  trackCommand() {},
  trackCardAction() {},
  trackException() {},
  trackEvent() {},
  flush: async () => {},
};
