import type { Actor } from '../core/access/identity';
import type { AccessPolicy } from '../core/access/policy';

/** The `from` account of an authenticated activity (Teams puts the Entra object id in aadObjectId). */
export interface ActivityAccount {
  id?: string;
  name?: string;
  aadObjectId?: string;
  userPrincipalName?: string;
}

/**
 * Who is acting. Identity comes only from the activity's `from`, which the Bot
 * Framework authenticated (JWT) in Azure mode; message text is never trusted for it.
 */
export function actorFromAccount(from: ActivityAccount | undefined, policy: AccessPolicy): Actor {
  const id = from?.aadObjectId ?? from?.id ?? 'unknown';
  return {
    id,
    name: from?.name ?? 'someone',
    upn: from?.userPrincipalName,
    // No `from` at all means we cannot tell who it is: the lowest role, never a guess.
    role: from ? policy.roleOf({ aadObjectId: from.aadObjectId, upn: from.userPrincipalName, id: from.id }) : 'viewer',
  };
}
