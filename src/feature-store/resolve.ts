/**
 * Customers given by id: their stored features, looked up in bulk and merged with
 * the features the request carries.
 *
 * The request wins: a feature sent with a value overrides the stored one; a
 * feature sent as null (or not sent) is taken from the store when it has one. A
 * customer whose features cannot be found is an item error: the rest of the batch
 * is still scored. Customers without an id pass through unchanged.
 */
import type { Feature } from '../spec/feature-spec.js';
import { type Lookup, lookupFeatures } from './lookup.js';
import { invalidId } from './stored-record.js';

/** Where the value of one feature came from. */
export type FeatureSource = 'request' | 'stored' | 'imputed';

/** A customer that could not be scored, answered in its place in the batch. */
export interface ItemError {
  id: string;
  error: { title: string; detail: string };
}

export type Resolved =
  | {
      ok: true;
      /** The customer id, when the customer was given by one. */
      id?: string;
      /** The features to encode (request over store), without the id. */
      record: Record<string, unknown>;
      /** Per feature, for customers given by id. */
      sources?: Record<string, FeatureSource>;
    }
  | { ok: false; item: ItemError };

/** A bad `id` member, reported like any other field error of the request. */
export interface IdProblem {
  index: number;
  detail: string;
}

/**
 * A record without a prototype: every key is its own plain member, `__proto__` too.
 * On an ordinary object, `record.__proto__ = value` would set the prototype instead:
 * the key would vanish from the record (never reported as an unknown feature) and its
 * members would be read through the prototype as if they were features.
 */
function bareRecord(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/** Copies the own members of `from` onto `to` as plain members, `__proto__` included. */
function copyInto(to: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(from)) to[key] = from[key];
  return to;
}

/** Separates the `id` member from the feature values; own keys only, as the encoder reads them. */
export function splitId(record: Record<string, unknown>): { hasId: boolean; id: unknown; features: Record<string, unknown> } {
  if (!Object.hasOwn(record, 'id')) return { hasId: false, id: undefined, features: record };
  const features = copyInto(bareRecord(), record);
  delete features.id;
  return { hasId: true, id: record.id, features };
}

export async function resolveCustomers(
  kv: KVNamespace | undefined,
  modelVersion: string,
  features: readonly Feature[],
  records: readonly Record<string, unknown>[],
): Promise<{ resolved: Resolved[]; idProblems: IdProblem[] }> {
  const split = records.map(splitId);
  const idProblems: IdProblem[] = [];
  const ids: string[] = [];
  split.forEach(({ hasId, id }, index) => {
    if (!hasId) return;
    const problem = invalidId(id);
    if (problem === undefined) ids.push(id as string);
    else idProblems.push({ index, detail: problem });
  });
  const stored = ids.length > 0 ? await lookupFeatures(kv, ids) : new Map<string, Lookup>();

  const resolved = split.map(({ hasId, id, features: sent }): Resolved => {
    if (!hasId || typeof id !== 'string') return { ok: true, record: sent };
    const lookup = stored.get(id) ?? { found: false, reason: 'missing' };
    const sentAny = Object.values(sent).some((v) => v !== null && v !== undefined);
    if (!lookup.found) {
      if (lookup.reason === 'malformed') return itemError(id, 'Stored features unreadable', `The stored record of customer ${JSON.stringify(id)} is not a feature record; publish it again.`);
      if (!sentAny) return itemError(id, 'Unknown customer', `No stored features for customer ${JSON.stringify(id)} and none in the request.`);
      return { ok: true, id, record: sent, sources: sourcesOf(features, sent, {}) };
    }
    if (lookup.record.modelVersion !== modelVersion) {
      return itemError(
        id,
        'Stored features out of date',
        `The stored features of customer ${JSON.stringify(id)} were published for model ${lookup.record.modelVersion}; this worker serves ${modelVersion}. Run publish-store again.`,
      );
    }
    const merged = copyInto(bareRecord(), lookup.record.features);
    for (const [name, value] of Object.entries(sent)) {
      if (value !== null && value !== undefined) merged[name] = value;
      else if (!Object.hasOwn(merged, name)) merged[name] = value;
    }
    return { ok: true, id, record: merged, sources: sourcesOf(features, sent, lookup.record.features) };
  });
  return { resolved, idProblems };
}

function itemError(id: string, title: string, detail: string): Resolved {
  return { ok: false, item: { id, error: { title, detail } } };
}

function present(record: Record<string, unknown>, name: string): boolean {
  return Object.hasOwn(record, name) && record[name] !== null && record[name] !== undefined;
}

function sourcesOf(features: readonly Feature[], sent: Record<string, unknown>, stored: Record<string, unknown>): Record<string, FeatureSource> {
  const sources = bareRecord() as Record<string, FeatureSource>;
  for (const { name } of features) sources[name] = present(sent, name) ? 'request' : present(stored, name) ? 'stored' : 'imputed';
  return sources;
}
