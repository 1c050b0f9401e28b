import type { AlertStateChange, AlertStateClient } from '../../core/ports/alerts';

/** The embedded world: the bot's own store is the alert's record; this keeps a log of changes for tests and `alert <id>`. */
export class LocalAlertStateClient implements AlertStateClient {
  readonly changes: Array<{ alertId: string; newState: AlertStateChange; comment: string }> = [];

  async changeState(alertId: string, newState: AlertStateChange, comment: string): Promise<void> {
    this.changes.push({ alertId, newState, comment });
    if (this.changes.length > 1000) this.changes.shift();
  }
}

/** Azure alerts go to Azure; alerts of the local rules (and test payloads) stay local. */
export class RoutingAlertStateClient implements AlertStateClient {
  constructor(
    private readonly azure: AlertStateClient,
    private readonly local: AlertStateClient,
    private readonly isAzureAlert: (alertId: string) => boolean,
  ) {}

  changeState(alertId: string, newState: AlertStateChange, comment: string): Promise<void> {
    return (this.isAzureAlert(alertId) ? this.azure : this.local).changeState(alertId, newState, comment);
  }
}
