/**
 * The built worker (dist/, as `npm run build` leaves it) in local workerd through
 * Miniflare's API, with wrangler.toml's bindings that matter for traffic: the API
 * token and a rate limiter (generous here: the soak measures serving, not limiting).
 */
import { distModules, startWorker } from '../workerd/workerd.js';

export interface LocalWorker {
  url: URL;
  dispose(): Promise<void>;
}

export async function startLocalWorker(token: string, onLog: (message: string) => void): Promise<LocalWorker> {
  const mf = startWorker(distModules(), token, {
    bindings: { MAX_BATCH: 1000, MAX_BODY_BYTES: 1 << 20, ALLOWED_ORIGINS: '' },
    ratelimits: { RATE_LIMITER: { namespace_id: 'soak', simple: { limit: 1_000_000, period: 10 } } },
    onLog,
  });
  const url = await mf.ready;
  return { url, dispose: () => mf.dispose() };
}
