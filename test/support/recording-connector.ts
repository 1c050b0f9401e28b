import http from 'node:http';
import { HttpStandIn } from './http-stand-in';

export interface RecordedActivity {
  readonly kind: 'create' | 'update' | 'reply';
  readonly conversationId: string;
  /** The id the connector gave (create/reply) or the id updated. */
  readonly activityId: string;
  /** The request: method and path as the bot sent them (e.g. `POST /amer/v3/conversations/…/activities`). */
  readonly request: string;
  readonly activity: Record<string, any>;
  readonly at: number;
}

/** The Adaptive Card an activity carries, as JSON text (empty object when none). */
export const cardJson = (recorded: RecordedActivity): string => JSON.stringify(recorded.activity.attachments?.[0]?.content ?? {});

/** What to do with the next requests: answer with a status (and Retry-After), answer late, or never answer. */
export type Fault = { status: number; retryAfter?: string } | { hang: true } | { delayMs: number };

/**
 * A fake Bot Connector (the serviceUrl of test conversations): records every message
 * the bot creates or updates, and injects faults on demand. Speaks the v3 REST paths the
 * Teams SDK uses.
 */
export class RecordingConnector extends HttpStandIn {
  readonly activities: RecordedActivity[] = [];
  private readonly faults: Fault[] = [];
  private nextId = 1;

  /** The next `count` sends fail with `fault`. */
  failNext(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Messages (not typing indicators). */
  get messages(): RecordedActivity[] {
    return this.activities.filter((a) => a.activity.type === 'message');
  }

  texts(): string[] {
    return this.messages.map((a) => a.activity.text ?? '').filter(Boolean);
  }

  cards(): Array<Record<string, any>> {
    return this.messages.flatMap((a) => (a.activity.attachments ?? []).map((att: any) => att.content));
  }

  /** Waits until `predicate` holds for the recorded activities (polling; for proactive sends). */
  async waitFor(predicate: (activities: RecordedActivity[]) => boolean | Promise<boolean>, timeoutInMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutInMs;
    while (!(await predicate(this.activities))) {
      if (Date.now() > deadline) throw new Error(`connector: condition not met within ${timeoutInMs} ms; recorded ${this.activities.length} activities`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fault = this.faults.shift();
    if (fault && 'hang' in fault) return; // never answer
    if (fault && 'delayMs' in fault)
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs)); // a slow connector, then the normal answer
    else if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
      res.end(JSON.stringify({ error: { code: 'Injected', message: `injected ${fault.status}` } }));
      return;
    }
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    // Any path prefix (a serviceUrl like https://smba.trafficmanager.net/amer/ has one); tests check `request` for the exact path.
    const match = /^(?:\/[^/]*)*?\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const conversationId = decodeURIComponent(match[1]!);
    const pathId = match[2] ? decodeURIComponent(match[2]) : undefined;
    const kind = req.method === 'PUT' ? 'update' : pathId ? 'reply' : 'create';
    const activityId = kind === 'update' ? pathId! : `activity-${this.nextId++}`;
    this.activities.push({ kind, conversationId, activityId, request: `${req.method} ${req.url}`, activity: body, at: Date.now() });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: activityId }));
  }
}
