import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import type { PromMetrics } from './metrics.ts';

export interface Route {
  path: string;
  method: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * /healthz (the process serves), /readyz (able to work: the store answers and Slack accepts the token),
 * /metrics (Prometheus).
 */
export function healthRoutes(deps: {
  store: Store;
  metrics: PromMetrics;
  log: Logger;
  stopping: () => boolean;
  /** Why Slack cannot be used right now, or undefined when it can. */
  slackProblem: () => string | undefined;
}): Route[] {
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => send(res, 200, 'ok\n') },
    {
      path: '/readyz',
      method: 'GET',
      handler: async (_req, res) => {
        if (deps.stopping()) return send(res, 503, 'shutting down\n');
        try {
          await deps.store.ping();
        } catch (err) {
          deps.log.warn({ err }, 'readiness check failed: store unreachable');
          return send(res, 503, 'store unreachable\n');
        }
        const slack = deps.slackProblem();
        if (slack) return send(res, 503, `${slack}\n`);
        send(res, 200, 'ready\n');
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: async (_req, res) =>
        send(res, 200, await deps.metrics.registry.metrics(), deps.metrics.registry.contentType),
    },
  ];
}
