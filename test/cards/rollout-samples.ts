import { DEFAULT_SETTINGS, type Rollout } from '../../core/rollouts/model';

/** A four-wave rollout running its second wave: the rollout card tests' and card-builders.ts' view model. */
export const sampleRollout = (extra: Partial<Rollout> = {}): Rollout => ({
  id: 'R7',
  version: 4,
  firmware: { version: '2.4.1', packageUri: 'https://fw/2.4.1.swu', sha256: 'a'.repeat(64) },
  filterText: 'site:berlin',
  state: 'running',
  currentWave: 2,
  waves: [
    { index: 1, size: 1000, startedAt: '2026-03-01T09:00:00Z', approvedBy: 'Lena Lead', passedAt: '2026-03-01T09:20:00Z', acknowledgedFailures: 0 },
    { index: 2, size: 9000, startedAt: '2026-03-01T09:30:00Z', approvedBy: 'Lena Lead', acknowledgedFailures: 0 },
    { index: 3, size: 40000, acknowledgedFailures: 0 },
    { index: 4, size: 50000, acknowledgedFailures: 0 },
  ],
  settings: DEFAULT_SETTINGS,
  createdBy: 'Lena Lead',
  createdAt: '2026-03-01T08:55:00Z',
  lastChange: { by: 'Lena Lead', at: '2026-03-01T09:30:00Z', what: 'approved wave 2' },
  ...extra,
});
