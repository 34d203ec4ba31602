/**
 * The fixed length caps of every array a request body may hold.
 *
 * Each is a zod `.max()` (or `.length()`), which zod checks before it looks at any
 * element (zod ≥ 4.6.7 rejects an oversized array with one `too_big` issue). Without
 * a cap, zod validated every element first and collected one issue per bad element;
 * 150,000 of them overflowed the stack where zod copied them into the parent's
 * issues, and a valid-token request under the body limit was answered with a 500.
 * The caps are also what /openapi.json publishes as `maxItems`.
 */
import { MAX_BATCH_CEILING } from '../config.js';

export const ARRAY_LIMITS = {
  /**
   * POST /v1/score `customers`. The configured MAX_BATCH (≤ this) is checked first,
   * before validation, and answered with a 413; this cap only bounds the schema.
   */
  customers: MAX_BATCH_CEILING,
  /** OIP `outputs`: a model has a handful (ltv, p_purchase, mu, sigma); repeats are allowed. */
  outputs: 16,
  /** OIP `shape`: the input is [N, F], so 2; a little room for a caller's wrong rank to be named. */
  shapeRank: 8,
} as const;
