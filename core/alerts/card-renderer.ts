import type { AlertRecord } from './alert';
import type { Silence } from './silence';

export interface CardPerson {
  /** What Teams can mention: an Entra object id, a 29: user id or a UPN. */
  readonly id: string;
  readonly name: string;
}

export interface CardNote {
  readonly actor: string;
  /** ISO time. */
  readonly at: string;
  readonly text: string;
}

/** The on-call part of an alert's card, when a rotation pages it (core/oncall fills it in). */
export interface AlertCardOnCall {
  readonly rotation: string;
  /** @mentioned on the card (a Teams mention entity): the primary, on the card of the conversation that pages the rotation. */
  readonly mention?: CardPerson;
  /** The rotation's people, for Reassign…. */
  readonly members: readonly CardPerson[];
  /** Who has been paged so far, in order, with the level: "Ana (primary)". */
  readonly paged: readonly string[];
  /** Paged people a personal message could not reach (FleetOps is not installed for them). */
  readonly unreachable: readonly string[];
  /** Teams user ids (MRIs) whose copy refreshes for them (Universal Actions; Teams takes at most 60). */
  readonly refreshUserIds: readonly string[];
  /** True while someone is still being paged (not acknowledged, someone left to page): Escalate and Reassign… are offered. */
  readonly paging: boolean;
}

/** What else a card of the alert shows beyond the record: notes, runbook, on call, and who reads it. */
export interface AlertCardExtras {
  /** The alert's own (customProperties runbook/runbookUrl) or its rule's runbook link. */
  readonly runbookUrl?: string;
  /** The latest notes (newest first) and how many there are. */
  readonly notes?: { readonly latest: readonly CardNote[]; readonly count: number };
  readonly oncall?: AlertCardOnCall;
  /** The personal page (a 1:1 message): why this person gets it ("you are on call", "you are the secondary"). */
  readonly page?: { readonly why: string };
  /** One reader's copy (Universal Actions refresh): what they may do, and whether they are the one on call. */
  readonly reader?: { readonly canAct: boolean; readonly onCall: boolean };
}

export interface AlertCardInput extends AlertCardExtras {
  readonly record: AlertRecord;
  readonly silence?: Silence;
  readonly now: Date;
}

/** Where and for whom a card of an alert is rendered (extras depend on both). */
export interface AlertCardAudience {
  /** The conversation the card goes to (the one whose subscription pages a rotation gets the mention). */
  readonly conversationId?: string;
  /** Set for one reader's copy (refresh, or the answer to their click). */
  readonly reader?: AlertCardExtras['reader'];
  readonly page?: AlertCardExtras['page'];
}

/** Adds notes, runbook and on call to an alert's card (the on-call feature provides it; without it, the card has none). */
export type AlertCardExtrasSource = (record: AlertRecord, audience: AlertCardAudience) => Promise<AlertCardExtras>;
