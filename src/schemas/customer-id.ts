/**
 * The parts of POST /v1/score that concern customers given by id (the edge
 * feature store, src/feature-store/): what a scored item adds, and the item error
 * that stands in for a customer who could not be scored.
 */
import { z } from '@hono/zod-openapi';

export const idMembers = {
  id: z.string().optional().openapi({ description: 'The customer id, when the customer was given by one.' }),
  sources: z
    .record(z.string(), z.enum(['request', 'stored', 'imputed']))
    .optional()
    .openapi({ description: 'For customers given by id: where each feature came from (the request wins over the store).' }),
};

export const ItemErrorSchema = z
  .object({
    id: z.string(),
    error: z.object({ title: z.string(), detail: z.string() }),
  })
  .openapi('ScoreItemError', {
    description: 'A customer given by id that could not be scored (no stored record and no features, or a stale record); the rest of the batch is.',
  });
