import type { DeviceState, FirmwareTarget } from './model';
import { waveSizes } from './waves';

/** What planning needs to know about a target device (read from its twin). */
export interface TargetDevice {
  readonly deviceId: string;
  readonly model?: string;
  readonly ring?: string;
  readonly currentVersion?: string;
}

export interface PlannedDevice {
  readonly deviceId: string;
  readonly wave: number | null;
  readonly state: Extract<DeviceState, 'queued' | 'already-current' | 'incompatible'>;
  readonly previousVersion?: string;
  readonly model?: string;
  /** Dispatch order inside the rollout (canary first). */
  readonly seq: number;
}

export interface WavePlan {
  readonly devices: PlannedDevice[];
  readonly waveSizes: number[];
  readonly alreadyCurrent: number;
  readonly incompatible: number;
  /** Incompatible models and how many devices each. */
  readonly incompatibleModels: Record<string, number>;
}

/**
 * Splits the targets into waves: devices already on the version and devices whose model
 * cannot run it are set aside; the rest are ordered canary ring first, then by a stable
 * hash of the id (so a wave spreads over sites instead of taking device-0001…0099).
 */
export function planWaves(
  firmware: FirmwareTarget & { compatibleModels: readonly string[] },
  targets: readonly TargetDevice[],
  waves: readonly number[],
): WavePlan {
  const models = new Set(firmware.compatibleModels.map((m) => m.toLowerCase()));
  const eligible: Array<{ d: TargetDevice; rank: number; hash: number }> = [];
  const devices: PlannedDevice[] = [];
  const incompatibleModels: Record<string, number> = {};
  let alreadyCurrent = 0;
  let incompatible = 0;
  for (const d of targets) {
    if (d.currentVersion === firmware.version) {
      alreadyCurrent++;
      devices.push({ deviceId: d.deviceId, wave: null, state: 'already-current', previousVersion: d.currentVersion, model: d.model, seq: 0 });
    } else if (models.size > 0 && (d.model === undefined || !models.has(d.model.toLowerCase()))) {
      incompatible++;
      const key = d.model ?? '(no model tag)';
      incompatibleModels[key] = (incompatibleModels[key] ?? 0) + 1;
      devices.push({ deviceId: d.deviceId, wave: null, state: 'incompatible', previousVersion: d.currentVersion, model: d.model, seq: 0 });
    } else {
      eligible.push({ d, rank: d.ring?.toLowerCase() === 'canary' ? 0 : 1, hash: fnv1a(d.deviceId) });
    }
  }
  eligible.sort((a, b) => a.rank - b.rank || a.hash - b.hash || (a.d.deviceId < b.d.deviceId ? -1 : 1));
  const sizes = waveSizes(eligible.length, waves);
  let index = 0;
  sizes.forEach((size, w) => {
    for (let i = 0; i < size; i++, index++) {
      const { d } = eligible[index]!;
      devices.push({ deviceId: d.deviceId, wave: w + 1, state: 'queued', previousVersion: d.currentVersion, model: d.model, seq: index + 1 });
    }
  });
  return { devices, waveSizes: sizes, alreadyCurrent, incompatible, incompatibleModels };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
