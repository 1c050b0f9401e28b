import express, { type Express } from 'express';

export interface HealthChecks {
  /** Each returns a problem, or undefined when fine. */
  readonly checks: ReadonlyArray<{ name: string; check: () => Promise<string | undefined> }>;
}

/**
 * The bot's HTTP surface: /api/messages (mounted by the Teams SDK), the webhooks
 * (mounted by features), /healthz (the process is alive) and /readyz (stores open,
 * backends reachable). No body parser globally: each route parses (and limits) its own.
 */
export function createHttpApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Teams posts activities as JSON; the SDK's parser answered 500 to anything else (text/plain,
  // forms, multipart: what a cross-site page can send). A clear 415 instead, before the SDK sees it.
  app.post('/api/messages', (req, res, next) => {
    if (req.is('application/json')) return next();
    res.status(415).json({ error: 'Bot Framework activities are sent as Content-Type: application/json' });
  });
  return app;
}

export function mountReadiness(app: Express, health: HealthChecks): void {
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      health.checks.map(async ({ name, check }) => {
        try {
          return { name, problem: await check() };
        } catch (error) {
          return { name, problem: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const failing = results.filter((r) => r.problem !== undefined);
    res.status(failing.length === 0 ? 200 : 503).json({
      status: failing.length === 0 ? 'ready' : 'not ready',
      checks: Object.fromEntries(results.map((r) => [r.name, r.problem ?? 'ok'])),
    });
  });
}

/** JSON 404 and error answers for everything that is not the Teams endpoint. */
export function mountFallbacks(app: Express, onError: (error: unknown) => void): void {
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) onError(error);
    const message =
      status === 413
        ? 'request body too large'
        : status === 400
          ? 'request body is not valid JSON'
          : status >= 500
            ? 'internal error'
            : (error as Error).message;
    if (!res.headersSent) res.status(status).json({ error: message });
  });
}
