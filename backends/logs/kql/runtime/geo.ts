/**
 * Geohash decoding for geo_geohash_to_central_point (the reference's page of that name): the
 * centre of the geohash's cell as a GeoJSON point, longitude first; null for an invalid geohash
 * (empty, longer than 18 characters, or a character outside the geohash alphabet).
 */
const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

export interface GeoJsonPoint {
  readonly type: 'Point';
  readonly coordinates: readonly [number, number];
}

export function geohashCentralPoint(geohash: string): GeoJsonPoint | null {
  if (geohash.length < 1 || geohash.length > 18) return null;
  const lon: [number, number] = [-180, 180];
  const lat: [number, number] = [-90, 90];
  let even = true;
  for (const ch of geohash) {
    const bits = ALPHABET.indexOf(ch);
    if (bits < 0) return null;
    for (let bit = 4; bit >= 0; bit--) {
      const range = even ? lon : lat;
      const middle = (range[0] + range[1]) / 2;
      if ((bits >> bit) & 1) range[0] = middle;
      else range[1] = middle;
      even = !even;
    }
  }
  return { type: 'Point', coordinates: [(lon[0] + lon[1]) / 2, (lat[0] + lat[1]) / 2] };
}
