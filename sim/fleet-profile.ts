import { between, deviceRandom, pick, seededRandom, weighted } from './random';

/** What a simulated device is, decided once from the seed. */
export interface DeviceProfile {
  readonly index: number;
  readonly deviceId: string;
  readonly site: string;
  readonly model: string;
  readonly ring: 'canary' | 'early' | 'broad';
  readonly firmware: string;
  /** Goes offline now and then, and comes back. */
  readonly flappy: boolean;
  /** Offline for days: the "not seen for longest" devices. */
  readonly dead: boolean;
  readonly hot: boolean;
  readonly erroring: boolean;
  readonly battery: number;
  readonly rssi: number;
  readonly temperature: number;
}

export const SITES = ['berlin', 'paris', 'oslo', 'madrid', 'warsaw', 'dublin', 'lisbon', 'vienna'] as const;
export const MODELS = ['x100', 'x200', 's10'] as const;
/** The fleet's firmware: mostly one version, some older (versions of the local firmware catalog's seed). */
export const FIRMWARE_MIX: ReadonlyArray<readonly [string, number]> = [
  ['2.4.0', 88],
  ['2.3.0', 12],
];

export const RING_SHARE = { canary: 0.01, early: 0.1 } as const;

/**
 * The fleet for a seed: device-1 … device-N. Rings are exact shares (1 % canary, 10 %
 * early, the rest broad) over a seeded shuffle, so a 1,000-device fleet has exactly 10
 * canaries; everything else is drawn per device from its own stream.
 */
export function generateFleet(count: number, seed: number): DeviceProfile[] {
  const order = Array.from({ length: count }, (_, i) => i);
  const shuffle = seededRandom(seed ^ 0x5eed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const canaries = count > 0 ? Math.max(1, Math.round(count * RING_SHARE.canary)) : 0;
  const early = Math.round(count * RING_SHARE.early);
  const ring: Array<DeviceProfile['ring']> = new Array(count).fill('broad');
  order.forEach((deviceIndex, position) => {
    ring[deviceIndex] = position < canaries ? 'canary' : position < canaries + early ? 'early' : 'broad';
  });

  return Array.from({ length: count }, (_, i) => {
    const r = deviceRandom(seed, i + 1);
    const site = weighted(
      r,
      SITES.map((s, k) => [s, 8 - k] as const),
    );
    const model = pick(r, MODELS);
    const firmware = weighted(r, FIRMWARE_MIX);
    const roll = r();
    const hot = roll < 0.01;
    const erroring = roll >= 0.01 && roll < 0.02;
    const dead = roll >= 0.02 && roll < 0.025;
    const flappy = roll >= 0.025 && roll < 0.06;
    return {
      index: i + 1,
      deviceId: `device-${i + 1}`,
      site,
      model,
      ring: ring[i]!,
      firmware,
      flappy,
      dead,
      hot,
      erroring,
      battery: Math.round(between(r, 20, 100)),
      rssi: Math.round(between(r, -95, -45)),
      temperature: hot ? between(r, 78, 88) : between(r, 30, 55),
    };
  });
}
