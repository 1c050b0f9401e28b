/**
 * XXH64 (seed 0), the hash behind KQL's hash() and hash_xxhash64(). Kusto hashes a string's
 * UTF-8 bytes and a datetime's 8 little-endian bytes of ticks: both checked against the
 * reference's examples (hash("World") = 1846988464401551951, hash(datetime(2015-01-01)) =
 * 1380966698541616202). The result is the 64 bits read as a signed long.
 */
const MASK = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK;
const round = (acc: bigint, lane: bigint): bigint => (rotl((acc + lane * P2) & MASK, 31n) * P1) & MASK;
const mergeRound = (acc: bigint, v: bigint): bigint => ((acc ^ round(0n, v)) * P1 + P4) & MASK;

export function xxhash64(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let p = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & MASK;
    let v2 = P2;
    let v3 = 0n;
    let v4 = -P1 & MASK;
    for (; p <= n - 32; p += 32) {
      v1 = round(v1, view.getBigUint64(p, true));
      v2 = round(v2, view.getBigUint64(p + 8, true));
      v3 = round(v3, view.getBigUint64(p + 16, true));
      v4 = round(v4, view.getBigUint64(p + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    for (const v of [v1, v2, v3, v4]) h = mergeRound(h, v);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & MASK;
  for (; p + 8 <= n; p += 8) h = (rotl(h ^ round(0n, view.getBigUint64(p, true)), 27n) * P1 + P4) & MASK;
  if (p + 4 <= n) {
    h = (rotl(h ^ ((BigInt(view.getUint32(p, true)) * P1) & MASK), 23n) * P2 + P3) & MASK;
    p += 4;
  }
  for (; p < n; p++) h = (rotl(h ^ ((BigInt(bytes[p]) * P5) & MASK), 11n) * P1) & MASK;
  h ^= h >> 33n;
  h = (h * P2) & MASK;
  h ^= h >> 29n;
  h = (h * P3) & MASK;
  h ^= h >> 32n;
  return BigInt.asIntN(64, h);
}

export const hashText = (text: string): bigint => xxhash64(Buffer.from(text, 'utf8'));

/** Ticks from 0001-01-01 (Kusto's and .NET's datetime origin) to 1970-01-01 (the store's). */
const DOTNET_EPOCH_TICKS = 621_355_968_000_000_000n;

/** A datetime as Kusto hashes it: its ticks counted from 0001-01-01. */
export const hashDateTime = (ticksSince1970: bigint): bigint => hashLong(ticksSince1970 + DOTNET_EPOCH_TICKS);

/** A long or timespan: its 8 little-endian bytes (ticks for a timespan). */
export function hashLong(value: bigint): bigint {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt.asIntN(64, value), true);
  return xxhash64(bytes);
}
