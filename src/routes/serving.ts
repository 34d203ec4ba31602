/**
 * What the scoring routes share: the model they need (or a 503 while it is not
 * ready) and one timed prediction call.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ProblemException } from '../http/problem.js';
import { writePredictionStats } from '../http/prediction-stats.js';
import { noteBatch } from '../http/request-log.js';
import { addServerTiming } from '../http/server-timing.js';
import type { LoadedModel, ModelOutputs, ModelState } from '../inference/model.js';

/** The model, or a 503: it failed to load (the reason is in the logs, not in the response). */
export function readyModel(state: ModelState): LoadedModel {
  if (state.ready) return state.model;
  throw new ProblemException(503, {
    title: 'Model not ready',
    detail: 'The model could not be loaded, so nothing can be scored; see GET /v2/health/ready.',
    headers: { 'Retry-After': '60' },
  });
}

/** 503 before anything reads the body: while the model is not ready, no request can succeed. */
export const requireReadyModel = (state: ModelState): MiddlewareHandler => {
  return async function requireReadyModel(_c, next) {
    readyModel(state);
    await next();
  };
};

/**
 * Every graph output per encoded row (`ltv` first), with the inference time as a Server-Timing
 * entry; the batch size goes to the request log, aggregates of the LTV to Analytics Engine.
 */
export async function predictTimed(c: Context, model: LoadedModel, rows: Float32Array, count: number): Promise<ModelOutputs> {
  noteBatch(c, count, model.engine);
  const start = performance.now();
  const outputs = await model.predictOutputs(rows, count);
  const ltv = outputs[model.manifest.spec.io.outputs[0]!];
  if (ltv !== undefined) writePredictionStats(c, model.manifest.version, ltv);
  addServerTiming(c, 'inference', performance.now() - start, `${model.engine === 'ort' ? 'onnxruntime-web' : 'compiled engine'}, ${count} row${count === 1 ? '' : 's'}`);
  return outputs;
}
