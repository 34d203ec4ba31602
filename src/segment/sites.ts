/**
 * Browser callers of POST /v1/segment: public site keys, each bound to the origins
 * allowed to use it (SEGMENT_SITES in wrangler.toml), the secret each site's back end
 * signs its visitor tokens with (SEGMENT_SECRETS, a Worker secret), and the tier thresholds.
 *
 * A site key is not a secret (it sits in the page); binding it to origins means a
 * browser on another site cannot use it (CORS withholds the answer and the route
 * refuses the origin), and the rate limit is counted per key and visitor. Neither
 * stops a script, which can send any Origin: what authorises a lookup is the visitor
 * token (./visitor-token.ts), which only the site's back end can make (SECURITY.md).
 */
import type { TierSpec } from '../spec/feature-spec.js';
import { ConfigError } from '../config.js';

export type Sites = ReadonlyMap<string, readonly string[]>;
/** Per site key, the secrets a visitor token may be signed with: the current one first, then any being rotated out. */
export type SiteSecrets = ReadonlyMap<string, readonly string[]>;

export interface SegmentConfig {
  sites: Sites;
  secrets: SiteSecrets;
  thresholds: [number, number] | undefined;
}

/** Shortest secret accepted: `openssl rand -hex 32` gives 64 characters. */
export const MIN_SECRET_LENGTH = 32;

const cache = new WeakMap<object, SegmentConfig>();

/**
 * SEGMENT_SITES: `{ "pk_live_shop": ["https://shop.example"] }`, as a [vars] table or a
 * JSON string (`--var`, the dashboard). SEGMENT_SECRETS: `{ "pk_live_shop": "<secret>" }`
 * or, while rotating, `{ "pk_live_shop": ["<new>", "<old>"] }`, a JSON string put with
 * `wrangler secret put`. SEGMENT_THRESHOLDS: "medium,high" in the target's unit,
 * overriding the model's spec (for a model exported before tiers, or a campaign).
 */
export function readSegmentConfig(env: Partial<Env>): SegmentConfig {
  let config = cache.get(env);
  if (config === undefined) {
    config = {
      sites: parseSites(env.SEGMENT_SITES),
      secrets: parseSecrets(env.SEGMENT_SECRETS),
      thresholds: parseThresholds(env.SEGMENT_THRESHOLDS),
    };
    cache.set(env, config);
  }
  return config;
}

function jsonObject(name: string, raw: unknown, what: string): Record<string, unknown> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError(`${name} must be a JSON object of ${what}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${name} must be an object of ${what}`);
  return value as Record<string, unknown>;
}

function parseSites(raw: unknown): Sites {
  if (raw === undefined || raw === '') return new Map();
  const sites = new Map<string, string[]>();
  for (const [key, origins] of Object.entries(jsonObject('SEGMENT_SITES', raw, 'site key → allowed origins'))) {
    // A token signs the site key, the visitor id and the expiry one per line (./visitor-token.ts).
    if (key === '' || /[\r\n]/.test(key)) throw new ConfigError(`SEGMENT_SITES: a site key must be non-empty and on one line, got ${JSON.stringify(key)}`);
    if (!Array.isArray(origins) || !origins.every((o) => typeof o === 'string')) throw new ConfigError(`SEGMENT_SITES.${key} must be an array of origins`);
    sites.set(key, origins);
  }
  return sites;
}

function parseSecrets(raw: unknown): SiteSecrets {
  if (raw === undefined || raw === '') return new Map();
  const secrets = new Map<string, string[]>();
  for (const [key, value] of Object.entries(jsonObject('SEGMENT_SECRETS', raw, 'site key → secret'))) {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)) {
      // Never the value itself: it is a secret.
      throw new ConfigError(`SEGMENT_SECRETS.${key} must be a secret of at least ${MIN_SECRET_LENGTH} characters, or a non-empty array of them`);
    }
    secrets.set(key, list as string[]);
  }
  return secrets;
}

function parseThresholds(raw: unknown): [number, number] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const parts = String(raw).split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[0]! > parts[1]!) {
    throw new ConfigError(`SEGMENT_THRESHOLDS must be "medium,high" (two ascending numbers), got ${JSON.stringify(raw)}`);
  }
  return [parts[0]!, parts[1]!];
}

export type Tier = 'low' | 'medium' | 'high';

export function tierOf(ltv: number, [medium, high]: readonly [number, number]): Tier {
  return ltv >= high ? 'high' : ltv >= medium ? 'medium' : 'low';
}

/** The thresholds in force: the config's override, else the model's spec, else none. */
export function thresholdsFor(override: [number, number] | undefined, tiers: TierSpec | undefined): [number, number] | undefined {
  return override ?? tiers?.thresholds;
}
