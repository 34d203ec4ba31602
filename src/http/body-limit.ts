/**
 * 413 for request bodies over MAX_BODY_BYTES, before anything reads them.
 *
 * Hono's bodyLimit does the counting (Content-Length when given, the stream
 * otherwise); this picks the limit from the config and answers with a problem.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { readConfig } from '../config.js';
import { ProblemException } from './problem.js';

export const limitBody = (): MiddlewareHandler<{ Bindings: Env }> => {
  // One limiter per configured size; in practice there is one.
  const limiters = new Map<number, MiddlewareHandler>();
  return async function limitBody(c, next) {
    const { maxBodyBytes } = readConfig(c.env);
    let limiter = limiters.get(maxBodyBytes);
    if (limiter === undefined) {
      limiter = bodyLimit({
        maxSize: maxBodyBytes,
        onError: () => {
          throw new ProblemException(413, { detail: `The request body is larger than the limit of ${maxBodyBytes} bytes.` });
        },
      });
      limiters.set(maxBodyBytes, limiter);
    }
    return limiter(c, next);
  };
};
