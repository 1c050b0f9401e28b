import { z } from 'zod';
import type { Refusal } from '../refusal';
import { validateRotation, type Rotation } from './rotation';
import { parseMaintenanceWindow, type NewMaintenanceWindow } from './maintenance';

/**
 * The on-call file (ONCALL_FILE), once YAML has made it a plain value:
 *
 *   rotations:
 *     - name: berlin-ops
 *       cadence: weekly
 *       handoff: Mon 09:00
 *       timeZone: Europe/Berlin
 *       members: [alice@contoso.com, { id: 8f1c…, name: Bob }]
 *       escalationTarget: carol@contoso.com
 *       unacknowledgedMinutes: 5
 *   maintenance:
 *     - 'rule:"Device offline" site:berlin Sat 02:00-04:00 Europe/Berlin weekly'
 *   runbooks:
 *     Device offline: https://wiki.contoso.com/runbooks/device-offline
 */
const member = z.union([z.string().min(1), z.object({ id: z.string().min(1), name: z.string().min(1) })]);

const documentSchema = z.object({
  rotations: z
    .array(
      z.object({
        name: z.string(),
        cadence: z.string(),
        handoff: z.string(),
        timeZone: z.string(),
        members: z.array(member),
        secondaries: z.array(member).optional(),
        startDate: z.string().optional(),
        escalationTarget: member.optional(),
        unacknowledgedMinutes: z.number().optional(),
      }),
    )
    .default([]),
  maintenance: z.array(z.string()).default([]),
  runbooks: z.record(z.string(), z.url({ message: 'a runbook must be an http(s) URL' })).default({}),
});

export interface OnCallDocument {
  readonly rotations: readonly Rotation[];
  readonly maintenance: readonly NewMaintenanceWindow[];
  /** Alert rule name → runbook URL. */
  readonly runbooks: Readonly<Record<string, string>>;
}

export class OnCallFileError extends Error {
  override readonly name = 'OnCallFileError';
}

/**
 * Validates all of it or throws one error listing every problem (nothing is half-loaded).
 * `describe` words a rotation's or window's refusal (commands/refusal-text.ts: the core has no words for them).
 */
export function readOnCallDocument(value: unknown, source: string, describe: (refusal: Refusal) => string): OnCallDocument {
  const result = documentSchema.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new OnCallFileError(`${source} is not valid: ${problems.join('; ')}.`);
  }
  const problems: string[] = [];
  const rotations: Rotation[] = [];
  for (const [i, input] of result.data.rotations.entries()) {
    const checked = validateRotation(input);
    if (checked.ok) rotations.push(checked.value);
    else problems.push(`rotations.${i}: ${describe(checked.refusal)}`);
  }
  const names = rotations.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) problems.push(`rotation ${twice} is defined twice`);
  const maintenance: NewMaintenanceWindow[] = [];
  for (const [i, text] of result.data.maintenance.entries()) {
    const checked = parseMaintenanceWindow(text, 'ONCALL_FILE');
    if (checked.ok) maintenance.push(checked.value);
    else problems.push(`maintenance.${i}: ${describe(checked.refusal)}`);
  }
  if (problems.length > 0) throw new OnCallFileError(`${source} is not valid: ${problems.join('; ')}`);
  return { rotations, maintenance, runbooks: result.data.runbooks };
}
