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

/**
 * Problems on the Open Inference Protocol's paths (/v2) also carry the protocol's
 * `error` member, the message its clients show; an extension member, as RFC 9457 allows.
 * They are sent as application/json, which KServe's and Triton's clients read, or as
 * application/problem+json to a caller that asks for it (Accept).
 */
export const ProtocolProblemSchema = ProblemSchema.extend({
  error: z.string().openapi({ description: 'The Open Inference Protocol’s error message: the same text as `detail`.', example: '1 error: /inputs/0/data/3: expected a finite number or null, got "abc"' }),
}).openapi('ProtocolProblem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const protocolProblemContent = { 'application/json': { schema: ProtocolProblemSchema }, 'application/problem+json': { schema: ProtocolProblemSchema } };

const DESCRIBED: Record<number, string> = {
  400: 'Malformed JSON, or invalid fields (all listed in `errors`).',
  401: 'Missing or invalid bearer token.',
  403: 'Forbidden.',
  404: 'No such model.',
  413: 'Body larger than MAX_BODY_BYTES, or more rows than MAX_BATCH.',
  415: 'The body is not application/json, or arrives with a Content-Encoding (send it uncompressed).',
  429: 'Too many requests from this caller (token or client IP); retry after `Retry-After` seconds.',
  500: 'The server failed; the failure is logged and the answer says nothing more (quote `requestId`).',
  503: 'The model is not ready, or no API token is configured.',
};

const PROTOCOL_DESCRIBED: Record<number, string> = {
  ...DESCRIBED,
  404: 'No model of that name, or no such version of it.',
  415: 'The body is not JSON (application/json, or no Content-Type), arrives with a Content-Encoding, or uses the binary tensor data extension, which is not supported.',
};

type ProblemResponses<S extends number, C> = Record<S, { description: string; content: C }>;

/** Response entries for the problems a route can answer with, for `createRoute`. */
export function problems<S extends number>(...statuses: S[]): ProblemResponses<S, typeof problemContent> {
  return Object.fromEntries(statuses.map((s) => [s, { description: DESCRIBED[s] ?? 'Problem.', content: problemContent }])) as ProblemResponses<S, typeof problemContent>;
}

/** The same for a route of the Open Inference Protocol: the problem with `error`, in either media type. */
export function protocolProblems<S extends number>(...statuses: S[]): ProblemResponses<S, typeof protocolProblemContent> {
  return Object.fromEntries(statuses.map((s) => [s, { description: PROTOCOL_DESCRIBED[s] ?? 'Problem.', content: protocolProblemContent }])) as ProblemResponses<
    S,
    typeof protocolProblemContent
  >;
}

export const bearerSecurity = [{ bearerAuth: [] }];
/** A route open to anyone (`security: []`): health, the protocol's readiness, browsers' segment route. */
export const publicRoute: Record<string, string[]>[] = [];
