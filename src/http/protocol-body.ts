/**
 * The body of an Open Inference Protocol inference request: JSON, as ./json-body.ts
 * reads it, with the protocol's clients' habits allowed for.
 * - No Content-Type: KServe's InferenceRESTClient and Triton's client post the JSON
 *   request without one, and protocol servers read it as JSON; so does this one.
 * - Inference-Header-Content-Length: the binary tensor data extension (a JSON header
 *   followed by raw tensor bytes), which this server does not support; 415 says so
 *   and how to send the tensor instead, rather than a JSON parse error.
 */
import type { MiddlewareHandler } from 'hono';
import { jsonBody } from './json-body.js';
import { ProblemException } from './problem.js';

export const protocolJsonBody = (): MiddlewareHandler => {
  const json = jsonBody();
  return async function protocolJsonBody(c, next) {
    if (c.req.header('Inference-Header-Content-Length') !== undefined) {
      throw new ProblemException(415, {
        title: 'Binary tensor data not supported',
        detail:
          'This server does not support the binary tensor data extension (GET /v2 lists no extensions): send the tensor as JSON in `data` (Triton client: binary_data=False).',
        headers: { 'Accept-Post': 'application/json' },
      });
    }
    if (c.req.header('Content-Type') === undefined) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('Content-Type', 'application/json');
      // As Hono's own body limit does: the request is replaced, its (counted) body stream carried over.
      c.req.raw = new Request(c.req.raw, { headers });
    }
    return json(c, next);
  };
};
