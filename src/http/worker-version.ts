/**
 * The Workers version serving this request, from the version metadata binding
 * (CF_VERSION_METADATA): during a gradual deployment two versions answer side by
 * side, and this tells which one gave an answer. `X-Worker-Version` carries it on
 * every response; GET /v1/model and the health route report it in their bodies.
 */
import type { Context, MiddlewareHandler } from 'hono';

export const WORKER_VERSION_HEADER = 'X-Worker-Version';

export interface WorkerVersion {
  /** Version id (a UUID in production; local workerd makes one up). */
  id: string;
  /** The tag given at `wrangler versions upload --tag`, or empty. */
  tag: string;
  /** When the version was uploaded (ISO 8601), or empty. */
  timestamp: string;
}

/** The version, or undefined when the binding is absent (a test app without bindings). */
export function workerVersion(env: Partial<Env> | undefined): WorkerVersion | undefined {
  const metadata = env?.CF_VERSION_METADATA;
  if (metadata === undefined || typeof metadata.id !== 'string') return undefined;
  return { id: metadata.id, tag: metadata.tag ?? '', timestamp: metadata.timestamp ?? '' };
}

export const workerVersionHeader = (): MiddlewareHandler => {
  return async function workerVersionHeader(c: Context, next) {
    await next();
    const version = workerVersion(c.env as Partial<Env> | undefined);
    if (version !== undefined) c.res.headers.set(WORKER_VERSION_HEADER, version.id);
  };
};
