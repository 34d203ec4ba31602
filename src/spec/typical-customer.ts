/**
 * A customer with every feature at its imputation value (numeric) or first level
 * (categorical): a valid record for any spec, used to warm the worker's request path at
 * start-up and as the benchmarks' request body.
 */
import type { ModelManifest } from './manifest.js';

export function typicalCustomer(manifest: ModelManifest): Record<string, number | string> {
  const customer: Record<string, number | string> = {};
  for (const f of manifest.spec.features) customer[f.name] = f.type === 'numeric' ? f.transform.impute : f.levels[0]!;
  return customer;
}
