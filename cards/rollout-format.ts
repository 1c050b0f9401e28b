import { formatDuration } from '../core/text/duration';
import type { Rollout } from '../core/rollouts/model';

export const ROLLOUT_VERBS = {
  plan: 'rollout.plan',
  start: 'rollout.start',
  approve: 'rollout.approve',
  pause: 'rollout.pause',
  resume: 'rollout.resume',
  abort: 'rollout.abort',
  retry: 'rollout.retry',
  exclude: 'rollout.exclude',
  refresh: 'rollout.refresh',
} as const;

export const plural = (n: number, word: string, many = `${word}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
export const fmt = (n: number): string => n.toLocaleString('en-US');
export const pct = (v: number): string => `${Math.round(v * 10) / 10} %`;

/** The product's one duration format; the rollout cards know it by this name. */
export const duration = formatDuration;

/** A text progress bar; Teams renders it in monospace. */
export function bar(done: number, failed: number, total: number, width = 20): string {
  if (total <= 0) return '░'.repeat(width);
  const ok = Math.round((done / total) * width);
  const bad = failed > 0 ? Math.max(1, Math.round((failed / total) * width)) : 0;
  const okCells = Math.min(ok, width - bad);
  return '█'.repeat(okCells) + '▓'.repeat(bad) + '░'.repeat(Math.max(0, width - okCells - bad));
}

export function stateLabel(r: Pick<Rollout, 'state' | 'currentWave' | 'waves'>): { text: string; color: 'Good' | 'Attention' | 'Accent' | 'Default' } {
  switch (r.state) {
    case 'planned':
      return { text: '📝 Planned', color: 'Default' };
    case 'running':
      return { text: `▶ Running wave ${r.currentWave} of ${r.waves.length}`, color: 'Accent' };
    case 'awaiting-approval':
      return { text: `✋ Wave ${r.currentWave} awaits approval`, color: 'Accent' };
    case 'paused':
      return { text: `⏸ Paused at wave ${r.currentWave}`, color: 'Attention' };
    case 'aborted':
      return { text: '⏹ Aborted', color: 'Attention' };
    case 'completed':
      return { text: '✅ Completed', color: 'Good' };
  }
}

export const settingsFacts = (r: Pick<Rollout, 'settings'>): Array<{ title: string; value: string }> => [
  {
    title: 'Gates',
    value: `success ≥ ${r.settings.gates.successPct} %, failures < ${r.settings.gates.failurePct} %, judged after ${r.settings.gates.minFinished ?? 'min(10, wave size)'} finished`,
  },
  { title: 'Soak', value: `${duration(r.settings.soakMs)} healthy on the new version` },
  { title: 'Timeouts', value: `${duration(r.settings.phaseTimeoutMs)} per phase` },
  { title: 'Write rate', value: `${fmt(r.settings.dispatchPerSecond)} devices/s` },
];
