/** A moment as people read it on a card or in chat: `2026-01-01 00:05 UTC` (minutes are enough there). */
export function absoluteTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
