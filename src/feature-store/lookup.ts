/**
 * Bulk lookup of stored features: one KV call per 100 customers, not one per customer.
 *
 * Workers KV's `get` takes an array of up to 100 keys and answers them in one
 * round trip (a Map key → value, null for a missing key). A batch of 1000 ids is
 * therefore 10 calls, issued concurrently; repeated ids are fetched once.
 */
import { type StoredFeatures, featureKey, isStoredFeatures } from './stored-record.js';

/** Most keys one KV `get` accepts. */
export const KV_BULK_LIMIT = 100;

/** What the store said about one id: its record, nothing, or a value of the wrong shape. */
export type Lookup = { found: true; record: StoredFeatures } | { found: false; reason: 'missing' | 'malformed' };

export async function lookupFeatures(kv: KVNamespace | undefined, ids: readonly string[]): Promise<Map<string, Lookup>> {
  const result = new Map<string, Lookup>();
  const unique = [...new Set(ids)];
  if (kv === undefined) {
    for (const id of unique) result.set(id, { found: false, reason: 'missing' });
    return result;
  }
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += KV_BULK_LIMIT) chunks.push(unique.slice(i, i + KV_BULK_LIMIT));
  const answers = await Promise.all(chunks.map((chunk) => kv.get(chunk.map(featureKey), 'json')));
  chunks.forEach((chunk, c) => {
    for (const id of chunk) {
      const value: unknown = answers[c]!.get(featureKey(id)) ?? null;
      if (value === null) result.set(id, { found: false, reason: 'missing' });
      else if (isStoredFeatures(value)) result.set(id, { found: true, record: value });
      else result.set(id, { found: false, reason: 'malformed' });
    }
  });
  return result;
}
