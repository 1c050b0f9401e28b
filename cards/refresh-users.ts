/** Teams refreshes a card (Universal Actions `refresh.userIds`) for at most 60 users. */
export const MAX_REFRESH_USERS = 60;

/** Teams wants user MRIs in refresh.userIds: Entra object ids become `8:orgid:<id>`, Teams ids (29:…) stay; UPNs cannot be used. */
export function teamsUserIds(ids: readonly string[]): string[] {
  const found = new Set<string>();
  for (const raw of ids) {
    const entry = raw.trim();
    if (!entry || entry.includes('@')) continue;
    found.add(/^(29|8):/.test(entry) ? entry : `8:orgid:${entry.toLowerCase()}`);
  }
  return [...found].slice(0, MAX_REFRESH_USERS);
}
