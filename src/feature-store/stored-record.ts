/**
 * What the edge feature store holds for one customer, and under which key.
 *
 * Written by `npm run publish-store` (scripts/commands/publish-store.ts), read by
 * POST /v1/score when a customer is given by id. The model version travels with
 * the features: a record built for another model's spec is refused at scoring
 * time rather than silently encoded against a spec it was never checked against.
 */

/** A feature value as stored: a number, a string (categorical) or null (missing). */
export type StoredValue = number | string | null;

export interface StoredFeatures {
  /** `version` of the model (ltv.json) whose spec the features were validated against. */
  modelVersion: string;
  /** ISO 8601 time of the publish run. */
  publishedAt: string;
  /** Feature values by name; missing values are left out. */
  features: Record<string, StoredValue>;
}

/** Workers KV keys are at most 512 bytes; the prefix leaves room for ids of up to 500. */
export const MAX_ID_BYTES = 500;

/** The KV key of a customer id. A prefix keeps the namespace open to other kinds of record. */
export function featureKey(id: string): string {
  return `customer:${id}`;
}

/** Why an id cannot be a key, or undefined when it can. */
export function invalidId(id: unknown): string | undefined {
  if (typeof id !== 'string') return `expected a string id, got ${id === null ? 'null' : typeof id}`;
  if (id.length === 0) return 'expected a non-empty id';
  if (new TextEncoder().encode(id).length > MAX_ID_BYTES) return `id longer than ${MAX_ID_BYTES} bytes`;
  return undefined;
}

/** Whether a parsed KV value has the shape publish-store writes. */
export function isStoredFeatures(value: unknown): value is StoredFeatures {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.modelVersion === 'string' && typeof v.features === 'object' && v.features !== null && !Array.isArray(v.features);
}
