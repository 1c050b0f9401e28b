import fs from 'node:fs';
import os from 'node:os';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOfPid(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

export interface Figure {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly ok: boolean;
}

/** Prints figures beside their targets, with the machine they were measured on. */
export function printTable(title: string, figures: readonly Figure[]): void {
  const width = Math.max(...figures.map((f) => f.figure.length));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\n${title} — measured on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  console.log('(figures depend on the machine; compare runs on the same kind of machine)\n');
  for (const f of figures) {
    const target = f.target ? `target ${f.target}` : '';
    console.log(`  ${f.figure.padEnd(width)}  ${f.value.padStart(12)}  ${target.padEnd(18)} ${f.target ? (f.ok ? 'ok' : 'MISSED') : ''}`);
  }
  console.log('');
}
