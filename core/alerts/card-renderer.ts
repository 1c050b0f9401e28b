import type { AlertRecord } from './alert';
import type { Silence } from './silence';
import type { StormView } from './storm';

export interface AlertCardInput {
  readonly record: AlertRecord;
  readonly silence?: Silence;
  readonly now: Date;
}

/** Renders cards for the domain (the cards/ folder implements it; core stays free of card JSON). */
export interface AlertCardRenderer {
  alert(input: AlertCardInput): object;
  storm(view: StormView, now: Date): object;
}
