import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { LocalAlertRule } from '../core/alerts/local-rules';

/** The local alert rules, read from sim/alert-rules.yaml (or ALERT_RULES_FILE). */

const base = {
  id: z.string().regex(/^[a-z0-9-]+$/, { message: 'use lowercase letters, digits and dashes' }),
  name: z.string().min(1),
  severity: z.number().int().min(0).max(4),
};

export const alertRuleSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('offline'), afterMinutes: z.number().positive() }),
  z.object({ ...base, kind: z.literal('error-lines'), threshold: z.number().int().nonnegative(), windowMinutes: z.number().positive() }),
  z.object({ ...base, kind: z.literal('temperature'), thresholdC: z.number() }),
]);

export const alertRulesFileSchema = z.object({
  intervalSeconds: z.number().int().min(5).max(3600).default(30),
  rules: z.array(alertRuleSchema).refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, { message: 'rule ids must be unique' }),
});

/** Declared with core's rule type, so the compiler holds the schema to what the evaluator reads. */
export interface AlertRulesConfig {
  readonly intervalSeconds: number;
  readonly rules: readonly LocalAlertRule[];
}

export const DEFAULT_ALERT_RULES_FILE = path.join(__dirname, 'alert-rules.yaml');

export function parseAlertRules(text: string, source = 'alert rules'): AlertRulesConfig {
  const result = alertRulesFileSchema.safeParse(YAML.parse(text));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new Error(`${source} is not valid: ${problems}. See the comments at the top of sim/alert-rules.yaml.`);
  }
  return result.data;
}

export function loadAlertRules(file = DEFAULT_ALERT_RULES_FILE): AlertRulesConfig {
  return parseAlertRules(fs.readFileSync(file, 'utf8'), file);
}
