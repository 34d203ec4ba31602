/**
 * Where the public data sets live (CDNOW, Online Retail and the tables built from
 * them): LTV_DATA_DIR, or `shared/data` beside the checkout. They are read there,
 * never copied into the repository; tests and benchmarks that need them skip with a
 * message when they are absent.
 */
import { resolve } from 'node:path';

const checkout = resolve(import.meta.dirname, '..', '..');

export function sharedDataDir(): string {
  return resolve(process.env.LTV_DATA_DIR ?? resolve(checkout, '..', 'shared', 'data'));
}
