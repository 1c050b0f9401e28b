import type { Role } from './roles';

/** Who is acting, taken from the authenticated activity, never from message text. */
export interface Actor {
  /** Entra object id (aadObjectId) when the channel gives one, else the channel user id. */
  readonly id: string;
  readonly name: string;
  /** User principal name (email-like), when known. */
  readonly upn?: string;
  readonly role: Role;
}
