/** Product telemetry. Without a connection string nothing leaves the machine (the `none` adapter). */
export interface Telemetry {
  trackCommand(name: string, durationMs: number, success: boolean): void;
  trackCardAction(verb: string, durationMs: number, success: boolean): void;
  trackException(error: unknown, properties?: Record<string, string>): void;
  trackEvent(name: string, properties?: Record<string, string>, measurements?: Record<string, number>): void;
  flush(): Promise<void>;
}
