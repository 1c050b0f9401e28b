import { alertCard } from '../../cards/alert';
import { alertStormCard } from '../../cards/alert-storm';
import type { AlertEvent } from '../../core/alerts/events';
import { summaryLine } from '../../core/alerts/publisher';
import type { RoutedEventCards } from '../../core/notifications/broadcaster';

/** The alerts' registration with the broadcaster: each copy of an alert's card as its conversation sees it, and storm cards. */
export function alertEventCards(): RoutedEventCards<AlertEvent> {
  return {
    copies: (event) =>
      event.type === 'alert.changed'
        ? event.copies.map(({ delivery }) => ({ conversationId: delivery.conversationId, cardKey: delivery.cardKey }))
        : [{ conversationId: event.conversationId, cardKey: event.cardKey }],
    render(event, conversationId) {
      if (event.type === 'alert.storm-changed') {
        const { view } = event;
        return { card: alertStormCard(view, event.now), summary: `Alert storm: ${view.storm.rule} — ${view.firing} firing, ${view.resolved} resolved` };
      }
      const copy = event.copies.find(({ delivery }) => delivery.conversationId === conversationId);
      return copy && { card: alertCard(copy.card), summary: summaryLine(copy.card.record) };
    },
  };
}
