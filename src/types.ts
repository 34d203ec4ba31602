/** The Hono environment of this worker: bindings from wrangler.toml (generated Env) and per-request variables. */
import type { RequestIdVariables } from 'hono/request-id';
import type { RequestLogVariables } from './http/request-log.js';

export interface AppEnv {
  Bindings: Env;
  Variables: RequestIdVariables & RequestLogVariables;
}
