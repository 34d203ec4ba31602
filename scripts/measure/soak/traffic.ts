/**
 * The soak's request mix: valid scores (single and batched, checked against
 * onnxruntime-node), valid OIP inference, and invalid requests of every kind the
 * worker must refuse with a 4xx. Each request says what it expects.
 */
import type { FeatureSpec } from '../../../src/spec/feature-spec.js';

export interface SoakRequest {
  kind: string;
  path: string;
  init: RequestInit;
  /** 200 for valid requests; 'client-error' for invalid ones (any 4xx). */
  expect: 200 | 'client-error';
  /** For valid single scores: the index of the record, to check the answer. */
  record?: number;
}

export function requestMix(token: string, records: readonly Record<string, number | string>[], spec: FeatureSpec, width: number): ((i: number) => SoakRequest)[] {
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const post = (body: string, headers: Record<string, string> = auth): RequestInit => ({ method: 'POST', headers, body });
  const numeric = spec.features.find((f) => f.type === 'numeric')!.name;
  const pick = (i: number) => i % records.length;
  return [
    (i) => ({ kind: 'score one', path: '/v1/score', init: post(JSON.stringify({ customer: records[pick(i)] })), expect: 200, record: pick(i) }),
    (i) => ({ kind: 'score one', path: '/v1/score', init: post(JSON.stringify({ customer: records[pick(i * 7)] })), expect: 200, record: pick(i * 7) }),
    (i) => ({ kind: 'score batch 100', path: '/v1/score', init: post(JSON.stringify({ customers: Array.from({ length: 100 }, (_, k) => records[pick(i + k)]) })), expect: 200 }),
    () => ({
      kind: 'oip infer 10',
      path: '/v2/models/ltv/infer',
      init: post(JSON.stringify({ inputs: [{ name: spec.io.input, datatype: 'FP32', shape: [10, width], data: new Array(10 * width).fill(null) }] })),
      expect: 200,
    }),
    () => ({ kind: 'health', path: '/v2/health/ready', init: {}, expect: 200 }),
    () => ({ kind: 'malformed JSON', path: '/v1/score', init: post('{"customer": {'), expect: 'client-error' }),
    (i) => ({ kind: 'wrong type', path: '/v1/score', init: post(JSON.stringify({ customer: { ...records[pick(i)], [numeric]: 'abc' } })), expect: 'client-error' }),
    () => ({ kind: 'unknown feature', path: '/v1/score', init: post(JSON.stringify({ customer: { __proto__x: 1 } })), expect: 'client-error' }),
    () => ({ kind: 'batch over limit', path: '/v1/score', init: post(JSON.stringify({ customers: new Array(1001).fill({}) })), expect: 'client-error' }),
    () => ({ kind: 'no token', path: '/v1/score', init: post('{}', { 'Content-Type': 'application/json' }), expect: 'client-error' }),
    () => ({ kind: 'wrong content type', path: '/v1/score', init: post('customer=1', { ...auth, 'Content-Type': 'text/plain' }), expect: 'client-error' }),
    () => ({
      kind: 'oip wrong shape',
      path: '/v2/models/ltv/infer',
      init: post(JSON.stringify({ inputs: [{ name: spec.io.input, datatype: 'FP32', shape: [2, width + 1], data: [1, 2, 3] }] })),
      expect: 'client-error',
    }),
    () => ({ kind: 'deep nesting', path: '/v1/score', init: post(`{"customer":${'['.repeat(5000)}${']'.repeat(5000)}}`), expect: 'client-error' }),
  ];
}
