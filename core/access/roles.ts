/** Roles in increasing order of power. Everyone not listed in config is a viewer. */
export const ROLES = ['viewer', 'operator', 'release-lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const rank = (role: Role): number => ROLES.indexOf(role);

/** True when `actual` is at least `required`. An unknown role never passes. */
export function hasRole(actual: Role | undefined, required: Role): boolean {
  if (actual === undefined || !ROLES.includes(actual)) return false;
  return rank(actual) >= rank(required);
}

/** The more powerful of two roles. */
export const higherRole = (a: Role, b: Role): Role => (rank(a) >= rank(b) ? a : b);

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
