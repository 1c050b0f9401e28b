import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Alert } from '../../core/alerts/alert';
import type { IngestResult } from '../../core/alerts/ingest';
import { parseAlertPayload } from '../../core/alerts/parse-alert';
import type { Logger } from '../../core/logger';
import { verifyActionGroupToken, type EntraTokenOptions } from './entra-token';
import { sameSecret } from './same-secret';

export const MAX_ALERT_BYTES = 256 * 1024;

export interface AlertsWebhookOptions {
  /** The shared secret of plain webhooks (`?token=`). */
  readonly token?: string;
  /** Secure webhooks (Entra ID bearer tokens); absent = not accepted. */
  readonly entra?: EntraTokenOptions;
  /** Stores the alert and queues its cards; durable when it returns. */
  readonly accept: (alert: Alert, payload: string) => Promise<IngestResult> | IngestResult;
  readonly log: Logger;
}

const fail = (res: Response, status: number, error: string) => res.status(status).json({ error });

/**
 * The body as a Buffer, at most `limit` bytes. express.raw's job, done with fewer stream
 * listeners and checks for plain bodies (it cost a webhook about a tenth of its CPU);
 * compressed bodies still go through express.raw, which inflates them. Errors look like
 * body-parser's, for the router's error handler.
 */
function rawBody(limit: number): RequestHandler {
  const general = express.raw({ type: () => true, limit });
  const tooLarge = () => Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 });
  return (req, res, next) => {
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') return general(req, res, next);
    // Too large: still read (and drop) what the client sends before answering, or it sees a reset instead of the 413.
    let failed = Number(req.headers['content-length']) > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) failed = true;
      if (!failed) chunks.push(chunk);
    });
    req.once('end', () => {
      if (failed) return next(tooLarge());
      req.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      next();
    });
    req.once('error', (error: Error) => next(Object.assign(error, { status: 400 })));
  };
}

/** The hot path's answer, written directly: express's send() would hash every body for an ETag nobody asks for. */
function answer(res: Response, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * POST /api/alerts: Azure Monitor action groups (and the local rule evaluator) post
 * common-schema alerts here. Answers 2xx only once the alert is stored; Azure retries
 * 408/429/503/504, so storage trouble is a 503 and duplicates are a quiet 200.
 */
export function alertsWebhookRouter(options: AlertsWebhookOptions): Router {
  const router = express.Router();
  const log = options.log.child({ route: 'alerts-webhook' });

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const queryToken = req.query.token;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (typeof queryToken === 'string' && queryToken.length > 0) {
      if (options.token && sameSecret(queryToken, options.token)) return next();
      log.warn({ ip: req.ip }, 'alert webhook refused: wrong token');
      return fail(res, 401, 'The token is wrong. Use the webhook URL with ?token=<ALERTS_WEBHOOK_TOKEN> as configured for FleetOps.');
    }
    if (bearer) {
      if (!options.entra)
        return fail(res, 401, 'Bearer tokens are not accepted here: set CLIENT_ID and TENANT_ID to accept Azure Monitor secure webhooks, or use ?token=.');
      const check = await verifyActionGroupToken(bearer, options.entra).catch((error: unknown) => ({
        ok: false as const,
        reason: `the token could not be checked (${String(error)})`,
      }));
      if (check.ok) return next();
      log.warn({ ip: req.ip, reason: check.reason }, 'alert webhook refused: bad bearer token');
      return fail(res, 401, `Not authorised: ${check.reason}.`);
    }
    return fail(res, 401, 'Not authorised: add ?token=<ALERTS_WEBHOOK_TOKEN> to the webhook URL, or use an Azure Monitor secure webhook (Entra ID).');
  };

  const readBody = rawBody(MAX_ALERT_BYTES);

  const handle = async (req: Request, res: Response) => {
    // Azure Monitor sends application/json. Anything else (text/plain, forms) is what a cross-site
    // page can post without a CORS preflight: refused, however JSON-like the body looks.
    if (!req.is('application/json'))
      return fail(res, 415, 'Send the alert as Content-Type: application/json (the common alert schema), as Azure Monitor does.');
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (error) {
      return fail(res, 400, `The body is not JSON (${(error as Error).message}); Azure Monitor sends the common alert schema as application/json.`);
    }
    const parsed = parseAlertPayload(body);
    if (!parsed.ok) return fail(res, 400, parsed.error);
    let result: IngestResult;
    try {
      result = await options.accept(parsed.alert, raw);
    } catch (error) {
      log.error({ err: String(error), alertId: parsed.alert.alertId }, 'could not store alert');
      res.set('Retry-After', '5');
      return fail(res, 503, 'The alert could not be stored right now; nothing was kept. Retry later (Azure Monitor retries by itself).');
    }
    if (result.outcome === 'duplicate') log.debug({ alertId: result.alertId }, 'duplicate alert notification ignored');
    return answer(
      res,
      200,
      result.outcome === 'duplicate'
        ? { status: 'duplicate', alertId: result.alertId }
        : { status: 'stored', alertId: result.alertId, cards: result.cards, silenced: result.silenced },
    );
  };

  router.post('/', authenticate, readBody, handle);
  router.all('/', (_req, res) => fail(res, 405, 'Use POST with an Azure Monitor common-schema alert.'));
  // Body-reader errors: too large, bad encoding, aborted.
  router.use((error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large')
      return fail(res, 413, `The alert is larger than ${MAX_ALERT_BYTES / 1024} KB; Azure Monitor caps payloads at 256 KB.`);
    return fail(res, error.status && error.status < 500 ? error.status : 400, `The request body could not be read: ${error.message ?? 'unknown error'}.`);
  });
  return router;
}
