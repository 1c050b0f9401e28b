/**
 * Local mode (no CLIENT_ID): the committed Playground config (.m365agentsplayground.yml)
 * signs you in as Alex Wilber; Megan Bowen is a second user. When no role lists are
 * configured, Alex is a release lead and Megan stays a viewer, so a newcomer can try both
 * sides of every permission check.
 */
export const PLAYGROUND_RELEASE_LEAD = { name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' } as const;
export const PLAYGROUND_VIEWER = { name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' } as const;
