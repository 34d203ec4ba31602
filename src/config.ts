/**
 * The worker's settings, read from its bindings ([vars] in wrangler.toml, secrets).
 * Values may arrive as numbers ([vars]) or strings (`--var`, the dashboard), so
 * each is parsed here, once per env object, and a bad one is an internal error
 * that names the setting: a deployment fault, not a client's.
 */

export interface Config {
  /** Origins allowed by CORS; `*` allows any. Default: none. */
  allowedOrigins: readonly string[];
  /** Most customers (rows) one scoring request may carry. Default 1000, at most MAX_BATCH_CEILING. */
  maxBatch: number;
  /** Largest request body in bytes. Default 1 MiB. */
  maxBodyBytes: number;
  /** Accepted bearer tokens (API_TOKEN, comma-separated for rotation). Empty: scoring is refused. */
  apiTokens: readonly string[];
}

export const DEFAULTS = { maxBatch: 1000, maxBodyBytes: 1 << 20, warmUpRuns: 3000 } as const;

/**
 * The most MAX_BATCH may be set to. The request schemas cap their arrays at a fixed
 * length, checked before any element is (src/schemas/limits.ts); MAX_BATCH must stay
 * within that cap, or a batch the setting allows would be refused by the schema.
 */
export const MAX_BATCH_CEILING = 10_000;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const cache = new WeakMap<object, Config>();
const NO_BINDINGS = {};

export function readConfig(env: Partial<Env> = NO_BINDINGS): Config {
  let config = cache.get(env);
  if (config === undefined) {
    config = {
      allowedOrigins: list(env.ALLOWED_ORIGINS),
      maxBatch: positiveInteger('MAX_BATCH', env.MAX_BATCH, DEFAULTS.maxBatch, MAX_BATCH_CEILING),
      maxBodyBytes: positiveInteger('MAX_BODY_BYTES', env.MAX_BODY_BYTES, DEFAULTS.maxBodyBytes),
      apiTokens: list(env.API_TOKEN),
    };
    cache.set(env, config);
  }
  return config;
}

function list(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

function positiveInteger(name: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === '') return fallback;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new ConfigError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  if (number > max) throw new ConfigError(`${name} must be at most ${max}, got ${JSON.stringify(value)}`);
  return number;
}

/**
 * ENGINE: which engine runs the model (src/inference/choose.ts): `auto` (the compiled
 * engine when the graph is in its subset, else onnxruntime-web), `compiled` or `ort`.
 * Read at start-up, so a bad value is reported in `problem` and `auto` used instead.
 */
export function readEngineChoice(value: unknown): { choice: 'auto' | 'compiled' | 'ort'; problem?: string } {
  if (value === undefined || value === '' || value === 'auto') return { choice: 'auto' };
  if (value === 'compiled' || value === 'ort') return { choice: value };
  return { choice: 'auto', problem: `ENGINE must be "auto", "compiled" or "ort", got ${JSON.stringify(value)}; using "auto"` };
}

/**
 * WARM_UP_RUNS: graph runs at isolate start-up when onnxruntime-web serves (src/inference/model.ts). Read at start-up,
 * where a thrown error would stop every isolate from serving, so a bad value is reported
 * in the returned `problem` and the default is used instead.
 */
export function readWarmUpRuns(value: unknown): { runs: number; problem?: string } {
  try {
    return { runs: positiveInteger('WARM_UP_RUNS', value, DEFAULTS.warmUpRuns) };
  } catch (error) {
    return { runs: DEFAULTS.warmUpRuns, problem: `${(error as Error).message}; using ${DEFAULTS.warmUpRuns}` };
  }
}
