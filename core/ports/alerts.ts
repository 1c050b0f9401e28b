/**
 * The alert's state in its source system. Azure: the Alerts Management changestate API
 * (so the portal shows who acknowledged or closed it); local: nothing to tell, the bot's
 * own store is the record.
 */
export type AlertStateChange = 'Acknowledged' | 'Closed';

export interface AlertStateOptions {
  readonly abortSignal?: AbortSignal;
  readonly timeoutInMs?: number;
}

export interface AlertStateClient {
  /** Throws AlertStateError when the source refuses or cannot be reached. */
  changeState(alertId: string, newState: AlertStateChange, comment: string, options?: AlertStateOptions): Promise<void>;
}

export class AlertStateError extends Error {
  override readonly name = 'AlertStateError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
