import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../../core/logger';
import type { ReceiveOutcome } from '../../core/deployments/service';
import { sameSecret } from './same-secret';

/** Azure DevOps sends the whole resource ("All" details); release events with many environments are large. */
export const MAX_DEVOPS_EVENT_BYTES = 1024 * 1024;

export interface DevOpsWebhookOptions {
  /** The service hook's basic-auth credentials; never empty (the feature generates them when not configured). */
  readonly credentials: { readonly user: string; readonly password: string };
  /** Stores the event durably and queues its card updates; the 2xx follows only after it returns. */
  readonly receive: (body: unknown, raw: string) => Promise<ReceiveOutcome>;
  readonly log: Logger;
}

/** `Authorization: Basic base64(user:password)`; the password may contain ':'. */
export function readBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const encoded = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

const fail = (res: Response, status: number, error: string) => res.status(status).json({ error });

/**
 * POST /api/devops: Azure DevOps service hooks (Web Hooks, basic authentication) and
 * the local approvals stand-in post pipeline events here.
 */
export function devopsWebhookRouter(options: DevOpsWebhookOptions): Router {
  const router = express.Router();
  const log = options.log.child({ route: 'devops-webhook' });

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const given = readBasicAuth(req.get('authorization'));
    // Both compared every time, so the answer's timing does not tell which one was wrong.
    const userOk = sameSecret(given?.user ?? '', options.credentials.user);
    const passwordOk = sameSecret(given?.password ?? '', options.credentials.password);
    if (given && userOk && passwordOk) return next();
    log.warn({ ip: req.ip, hadCredentials: Boolean(given) }, 'devops webhook refused: wrong or missing basic auth');
    res.set('WWW-Authenticate', 'Basic realm="fleetops-devops", charset="UTF-8"');
    return fail(
      res,
      401,
      given
        ? 'The user name or password is wrong. In the service hook, set Basic authentication to DEVOPS_WEBHOOK_USER / DEVOPS_WEBHOOK_PASSWORD as configured for FleetOps.'
        : 'Not authorised: set Basic authentication (DEVOPS_WEBHOOK_USER / DEVOPS_WEBHOOK_PASSWORD) on the Azure DevOps service hook.',
    );
  };

  const readBody = express.raw({ type: () => true, limit: MAX_DEVOPS_EVENT_BYTES });

  const handle = async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (error) {
      return fail(res, 400, `The body is not JSON (${(error as Error).message}); Azure DevOps service hooks send application/json.`);
    }
    let outcome: ReceiveOutcome;
    try {
      outcome = await options.receive(body, raw);
    } catch (error) {
      log.error({ err: String(error) }, 'could not store devops event');
      res.set('Retry-After', '5');
      return fail(res, 503, 'The event could not be stored right now; nothing was kept. Azure DevOps retries by itself.');
    }
    switch (outcome.status) {
      case 'ignored':
        // Not 4xx: Azure DevOps puts a subscription that keeps failing on probation, which also stops the events we handle.
        return res.status(202).json({ status: 'ignored', eventType: outcome.eventType });
      case 'rejected':
        return res.status(400).json({ error: outcome.error, reason: outcome.reason, eventType: outcome.eventType });
      case 'duplicate':
        return res.status(200).json({ status: 'duplicate', event: outcome.eventKey, runId: outcome.runId });
      case 'accepted':
        return res.status(200).json({ status: 'stored', event: outcome.eventKey, runId: outcome.runId, conversations: outcome.conversations });
    }
  };

  router.post('/', authenticate, readBody, handle);
  router.all('/', (_req, res) => fail(res, 405, 'Use POST with an Azure DevOps service-hook event.'));
  router.use((error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') {
      return fail(res, 413, `The event is larger than ${MAX_DEVOPS_EVENT_BYTES / 1024} KB; set "Resource details to send" to Minimal in the service hook.`);
    }
    return fail(res, error.status && error.status < 500 ? error.status : 400, `The request body could not be read: ${error.message ?? 'unknown error'}.`);
  });
  return router;
}
