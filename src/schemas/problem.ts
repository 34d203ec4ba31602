/**
 * The problem+json body (RFC 9457) as documented in /openapi.json; the runtime
 * shape is built by src/http/problem.ts.
 */
import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Invalid request' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: '1 error: /customers/3/x_repeat_days: expected a number, got "abc"' }),
    instance: z.string().openapi({ description: 'The request path.', example: '/v1/score' }),
    requestId: z.string().optional().openapi({ description: 'Also in the X-Request-Id header; quote it when reporting a problem.' }),
    errors: z
      .array(
        z.object({
          pointer: z.string().optional().openapi({ description: 'JSON pointer (RFC 6901) into the request body.', example: '/customers/3/x_repeat_days' }),
          parameter: z.string().optional().openapi({ description: 'The query parameter at fault.', example: 'strict' }),
          detail: z.string().openapi({ example: 'expected a number, got "abc"' }),
        }),
      )
      .optional()
      .openapi({ description: 'Every field error found (at most 100), not only the first.' }),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/** Response entries for the problems a route can answer with, for `createRoute`. */
export function problems<S extends number>(...statuses: S[]): Record<S, { description: string; content: typeof problemContent }> {
  const described: Record<number, string> = {
    400: 'Malformed JSON, or invalid fields (all listed in `errors`).',
    401: 'Missing or invalid bearer token.',
    404: 'No such model.',
    413: 'Body larger than MAX_BODY_BYTES, or more rows than MAX_BATCH.',
    415: 'The body is not application/json, or arrives with a Content-Encoding (send it uncompressed).',
    429: 'Too many requests from this caller (token or client IP); retry after `Retry-After` seconds.',
    503: 'The model is not ready, or no API token is configured.',
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: described[s] ?? 'Problem.', content: problemContent }])) as Record<
    S,
    { description: string; content: typeof problemContent }
  >;
}

export const bearerSecurity = [{ bearerAuth: [] }];
