/** Keyset paging: the token is the last row's sort position, opaque to callers. */
export interface PagePosition {
  readonly activity?: number;
  readonly key: string;
}

export function encodePageToken(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.activity ?? null, position.key]), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): PagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'string' && (value[0] === null || typeof value[0] === 'number')) {
      return { activity: value[0] ?? undefined, key: value[1] };
    }
  } catch {
    // fall through
  }
  throw new Error('The page token is not valid (it may come from an older version); start again from the first page.');
}
