/**
 * The feature store's part of POST /v1/score: before encoding, customers given by
 * id get their stored features (src/feature-store/resolve.ts); after inference, the
 * item errors of those who could not be scored are put back in their places, so
 * that predictions stay in input order.
 */
import type { Context } from 'hono';
import type { Located } from '../http/located.js';
import { invalidRequest, jsonPointer } from '../http/problem.js';
import { addServerTiming } from '../http/server-timing.js';
import type { LoadedModel } from '../inference/model.js';
import type { AppEnv } from '../types.js';
import { type FeatureSource, type ItemError, resolveCustomers } from './resolve.js';

interface Scored {
  ltv: number;
  imputed: string[];
}

export interface WithStoredFeatures {
  /** The customers to encode and score, with their merged features. */
  scorable: Located[];
  /** One answer per customer of the request, in its order, from the predictions of `scorable`. */
  answer(predictions: Scored[]): (Scored & { id?: string; sources?: Record<string, FeatureSource> } | ItemError)[];
}

export function hasId(record: unknown): boolean {
  return typeof record === 'object' && record !== null && Object.hasOwn(record, 'id');
}

export async function withStoredFeatures(
  c: Context<AppEnv>,
  model: LoadedModel,
  customers: readonly Located[],
  strict: boolean,
): Promise<WithStoredFeatures> {
  // Entries that are not objects never get here (zod rejects them).
  const records = customers.map((x) => x.record as Record<string, unknown>);
  const byId = records.filter((r) => hasId(r)).length;
  const start = performance.now();
  const { resolved, idProblems } = await resolveCustomers(c.env.FEATURES, model.manifest.version, model.manifest.spec.features, records);
  if (byId > 0) addServerTiming(c, 'features', performance.now() - start, `Workers KV, ${byId} id${byId === 1 ? '' : 's'}`);
  if (idProblems.length > 0) {
    throw invalidRequest(idProblems.map(({ index, detail }) => ({ pointer: jsonPointer([...customers[index]!.path, 'id']), detail })));
  }

  // A customer given by id whose features are still incomplete after the merge is
  // an item error (the store was meant to supply them), not a fault of the request.
  const required = model.manifest.spec.features.filter((f) => strict || !f.optional).map((f) => f.name);
  const items = resolved.map((r) => {
    if (!r.ok || r.id === undefined) return r;
    const missing = required.filter((name) => r.record[name] === undefined || r.record[name] === null);
    if (missing.length === 0) return r;
    const item: ItemError = {
      id: r.id,
      error: { title: 'Missing features', detail: `Neither stored nor sent for customer ${JSON.stringify(r.id)}: ${missing.join(', ')}.` },
    };
    return { ok: false as const, item };
  });

  const scorable: Located[] = [];
  items.forEach((r, i) => {
    if (r.ok) scorable.push({ record: r.record, path: customers[i]!.path });
  });
  return {
    scorable,
    answer(predictions) {
      let next = 0;
      return items.map((r) => {
        if (!r.ok) return r.item;
        const scored = predictions[next++]!;
        return r.id === undefined ? scored : { id: r.id, ...scored, sources: r.sources };
      });
    },
  };
}
