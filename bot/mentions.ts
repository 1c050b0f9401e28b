/**
 * In channels and group chats the text carries `<at>FleetOps</at>`; remove the bot's own
 * mention (and any leftover <at> tags of it) so the command parser sees only the command.
 */
export function stripBotMention(text: string, entities: unknown, botId: string | undefined): string {
  let result = text;
  if (Array.isArray(entities)) {
    for (const entity of entities as Array<{ type?: string; text?: string; mentioned?: { id?: string } }>) {
      if (entity.type === 'mention' && entity.text && (!botId || entity.mentioned?.id === botId)) {
        result = result.split(entity.text).join(' ');
      }
    }
  }
  return result
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
