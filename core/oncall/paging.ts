import { DEFAULT_PAGE_MAX_SEVERITY, parseAlertFilter } from '../alerts/filter';
import type { Subscription } from '../conversations/subscription';

/**
 * Which rotation a new card in a conversation pages: the first of the conversation's alert
 * subscriptions that names one (`oncall:berlin-ops`) and whose paging severities
 * (`page:sev<=N`, default Sev0–Sev1) include the alert's.
 */
export function rotationToPage(conversationId: string, severity: number, subscriptions: readonly Subscription[]): string | undefined {
  for (const sub of subscriptions) {
    if (sub.conversationId !== conversationId || sub.topic !== 'alerts') continue;
    const parsed = parseAlertFilter(sub.filter);
    if (!parsed.ok || !parsed.filter.oncall) continue;
    if (severity <= (parsed.filter.pageMaxSeverity ?? DEFAULT_PAGE_MAX_SEVERITY)) return parsed.filter.oncall;
  }
  return undefined;
}

/** The runbook of an alert: its own (customProperties runbook / runbookUrl), else the rule's from ONCALL_FILE. */
export function runbookOf(
  alert: { rule: string; customProperties: Readonly<Record<string, string>> },
  byRule: Readonly<Record<string, string>>,
): string | undefined {
  const own = alert.customProperties.runbookUrl ?? alert.customProperties.runbook;
  if (own && /^https?:\/\//i.test(own)) return own;
  const key = Object.keys(byRule).find((rule) => rule.toLowerCase() === alert.rule.toLowerCase());
  return key ? byRule[key] : undefined;
}
