import { higherRole, type Role } from './roles';

export interface RoleAssignments {
  readonly admins: readonly string[];
  readonly releaseLeads: readonly string[];
  readonly operators: readonly string[];
}

/**
 * Resolves a user's role from the configured lists (Entra object ids or UPNs,
 * compared case-insensitively). A user matching several lists gets the highest role.
 */
export class AccessPolicy {
  private readonly byKey = new Map<string, Role>();

  constructor(assignments: RoleAssignments) {
    const add = (keys: readonly string[], role: Role) => {
      for (const key of keys) this.byKey.set(key.trim().toLowerCase(), role);
    };
    // Lowest first so that higher roles overwrite.
    add(assignments.operators, 'operator');
    add(assignments.releaseLeads, 'release-lead');
    add(assignments.admins, 'admin');
  }

  /** The highest role any of the user's keys is given (object id in one list, UPN in another). */
  roleOf(identity: { id?: string; aadObjectId?: string; upn?: string }): Role {
    let role: Role = 'viewer';
    for (const key of [identity.aadObjectId, identity.upn, identity.id]) {
      const listed = key ? this.byKey.get(key.toLowerCase()) : undefined;
      if (listed) role = higherRole(role, listed);
    }
    return role;
  }
}
