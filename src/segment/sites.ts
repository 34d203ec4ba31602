/**
 * Browser callers of POST /v1/segment: public site keys, each bound to the origins
 * allowed to use it (SEGMENT_SITES in wrangler.toml), and the tier thresholds.
 *
 * A site key is not a secret (it sits in the page); binding it to origins means a
 * browser on another site cannot use it (CORS withholds the answer and the route
 * refuses the origin), and the rate limit is counted per key and visitor.
 */
import type { TierSpec } from '../spec/feature-spec.js';
import { ConfigError } from '../config.js';

export type Sites = ReadonlyMap<string, readonly string[]>;

const cache = new WeakMap<object, { sites: Sites; thresholds: [number, number] | undefined }>();

/**
 * SEGMENT_SITES: `{ "pk_live_shop": ["https://shop.example"] }`, as a [vars] table or a
 * JSON string (`--var`, the dashboard). SEGMENT_THRESHOLDS: "medium,high" in the target's
 * unit, overriding the model's spec (for a model exported before tiers, or a campaign).
 */
export function readSegmentConfig(env: Partial<Env>): { sites: Sites; thresholds: [number, number] | undefined } {
  let config = cache.get(env);
  if (config === undefined) {
    config = { sites: parseSites(env.SEGMENT_SITES), thresholds: parseThresholds(env.SEGMENT_THRESHOLDS) };
    cache.set(env, config);
  }
  return config;
}

function parseSites(raw: unknown): Sites {
  if (raw === undefined || raw === '') return new Map();
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError('SEGMENT_SITES must be a JSON object of site key → allowed origins');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError('SEGMENT_SITES must be an object of site key → allowed origins');
  const sites = new Map<string, string[]>();
  for (const [key, origins] of Object.entries(value)) {
    if (!Array.isArray(origins) || !origins.every((o) => typeof o === 'string')) throw new ConfigError(`SEGMENT_SITES.${key} must be an array of origins`);
    sites.set(key, origins);
  }
  return sites;
}

function parseThresholds(raw: unknown): [number, number] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const parts = String(raw).split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[0]! > parts[1]!) {
    throw new ConfigError(`SEGMENT_THRESHOLDS must be "medium,high" (two ascending numbers), got ${JSON.stringify(raw)}`);
  }
  return [parts[0]!, parts[1]!];
}

// The tier itself is the head's (shared with the batch scorer).
export { type Tier, tierOf } from '../head/answers.js';

/** The thresholds in force: the config's override, else the model's spec, else none. */
export function thresholdsFor(override: [number, number] | undefined, tiers: TierSpec | undefined): [number, number] | undefined {
  return override ?? tiers?.thresholds;
}
