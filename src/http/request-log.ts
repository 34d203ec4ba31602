/**
 * One structured JSON log line per request, for Workers Logs (observability is on
 * in wrangler.toml): route, method, status, model and worker version, batch size,
 * latency. Never the body, its feature values, headers or tokens: what a caller
 * sends stays out of the logs (SECURITY.md).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { workerVersion } from './worker-version.js';

/** What the scoring path tells the log about a request (set through `noteBatch`). */
export interface RequestLogVariables {
  batchSize?: number;
  engine?: string;
}

/** Records how many rows a request scored, and which engine scored them, for its log line. */
export function noteBatch(c: Context, count: number, engine?: string): void {
  c.set('batchSize', count);
  if (engine !== undefined) c.set('engine', engine);
}

export interface RequestLogLine {
  event: 'request';
  requestId: string | undefined;
  method: string;
  /** The matched route pattern (`/v2/models/:model_name/infer`), not the raw path: no caller text in logs. */
  route: string;
  status: number;
  modelVersion: string | undefined;
  workerVersion: string | undefined;
  batchSize: number | undefined;
  /** The engine that ran the graph for this request (`compiled` or `ort`), if it ran. */
  engine: string | undefined;
  latencyMs: number;
}

export const requestLog = (modelVersion: string | undefined): MiddlewareHandler => {
  return async function requestLog(c, next) {
    const start = performance.now();
    await next();
    const line: RequestLogLine = {
      event: 'request',
      requestId: c.get('requestId') as string | undefined,
      method: c.req.method,
      route: c.req.routePath || 'unmatched',
      status: c.res.status,
      modelVersion,
      workerVersion: workerVersion(c.env as Partial<Env> | undefined)?.id,
      batchSize: c.get('batchSize') as number | undefined,
      engine: c.get('engine') as string | undefined,
      // Workers freeze the clock during compute; the figure is wall time around I/O, rounded.
      latencyMs: Math.round((performance.now() - start) * 100) / 100,
    };
    console.log(JSON.stringify(line));
  };
};
