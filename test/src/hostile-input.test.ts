/**
 * Property-based tests of hostile input against the whole worker in workerd (real
 * model, real ORT): for any body bytes, any JSON value, any content type, on every
 * route that reads a body, the answer is either 2xx with finite predictions or a
 * 4xx problem+json, never a 5xx, never a hang, never NaN or Infinity in a body.
 *
 * Seed and runs: test/support/fc-settings.ts (default seed 20261128, 150 runs per
 * property; FC_SEED / FC_RUNS for longer runs). A failure prints the seed and the
 * shrunk counterexample, which replays exactly.
 */
import { env as bindings } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import worker from '../../src/index.js';
import { fcSettings } from '../support/fc-settings.js';
import { isProtocolPath } from '../../src/http/protocol-errors.js';
import { auth, testEnv } from './helpers.js';

const reference = inject('ltvReference');
const settings = fcSettings(bindings as unknown as Record<string, unknown>);
// The property tests send thousands of requests with one token: without the limiter, so that a 429
// (tested on its own in test/src/http/rate-limit.test.ts) does not stand in for the answer under test.
const env = testEnv({ RATE_LIMITER: undefined, MAX_BATCH: 8 });
const MAX_BATCH = 8;
const routes = ['/v1/score', `/v2/models/${reference.name}/infer`] as const;
const MAX_BODY_BYTES = 1 << 20;
const featureNames = Object.keys(reference.cases[0]!.record);

/** Sends one request and checks the invariant; returns the parsed body. */
async function answer(path: string, body: BodyInit | null, contentType: string | undefined): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { ...auth() };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  const response = await worker.request(path, { method: 'POST', headers, body }, env);
  const text = await response.text();
  const type = response.headers.get('Content-Type') ?? '';
  expect(response.status, text).toBeLessThan(500);
  // Always JSON (JSON.parse refuses bare NaN/Infinity), and every number in it finite
  // (a 1e999 would parse to Infinity).
  const parsed: unknown = JSON.parse(text);
  expect(allNumbersFinite(parsed), text).toBe(true);
  if (response.status >= 400) {
    // On the Open Inference Protocol's paths, a problem is application/json with the protocol's `error`.
    const protocol = isProtocolPath(path);
    expect(type).toBe(protocol ? 'application/json' : 'application/problem+json');
    expect(parsed).toMatchObject({ status: response.status, detail: expect.any(String), ...(protocol ? { error: expect.any(String) } : {}) });
  } else {
    expect(response.status).toBe(200);
    expect(type).toMatch(/^application\/json/);
  }
  return { status: response.status, body: parsed };
}

function allNumbersFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allNumbersFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allNumbersFinite);
  return true;
}

/** Object keys an attacker would try: prototype names, the real feature names, unicode, long ones. */
const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'customer', 'customers', 'inputs', ...featureNames),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 3 }).map((s) => s.repeat(2000)),
);

/** Leaves that break naive parsers: huge and tiny numbers, long and unicode strings, NaN-ish text. */
const hostileLeaf = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, 0, -0, 'NaN', 'Infinity', '1e999', '', null, true, false),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 2 }).map((s) => s.repeat(20_000)),
);

/** Any JSON value built from the hostile keys and leaves, nested up to a few levels. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, hostileLeaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(hostileKey, tie('value'), { maxKeys: 6 }),
})).value;

/** A customer: a valid reference record, or the real features with valid, missing or wrong values plus extra keys. */
const hostileCustomer = fc
  .tuple(
    fc.record(Object.fromEntries(featureNames.map((name) => [name, fc.oneof(fc.constant(reference.cases[0]!.record[name]), hostileLeaf)])), {
      requiredKeys: [],
    }),
    fc.dictionary(hostileKey, hostileLeaf, { maxKeys: 2 }),
  )
  .map(([known, extra]) => ({ ...known, ...extra }));
const customer = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...reference.cases.map((c) => c.record)) },
  { weight: 1, arbitrary: hostileCustomer },
);

/** Raw JSON text with duplicate keys (JSON.stringify cannot make them) and deep nesting. */
const trickyText = fc.oneof(
  fc.nat({ max: 5000 }).map((depth) => `{"customer":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.nat({ max: 5000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.constantFrom(...featureNames).map((name) => `{"customer":{"${name}":1,"${name}":"x","${name}":null}}`),
  fc.constant('{"customer":{"__proto__":{"polluted":1}},"customer":{}}'),
  fc.constant('{"customers":[],"customers":[{}]}'),
);

describe('hostile input, property-based (seed ' + settings.seed + ', ' + settings.numRuns + ' runs each)', () => {
  it('any body bytes with any content type: a 2xx or a 4xx problem, never a 5xx', async () => {
    const contentType = fc.option(
      fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/problem+json', ''), fc.string({ maxLength: 40 })),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.uint8Array({ maxLength: 2000 }), contentType, async (path, bytes, type) => {
        // Header values must be ISO-8859-1 without CR/LF; the platform rejects others before the worker sees them.
        const safeType = type?.replace(/[^\x20-\x7e]/g, '');
        await answer(path, bytes, safeType);
      }),
      settings,
    );
  });

  it('any JSON value: a 2xx with finite numbers or a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), hostileJson, async (path, value) => {
        await answer(path, JSON.stringify(value), 'application/json');
      }),
      settings,
    );
  });

  it('duplicate keys, __proto__ and deep nesting in the raw text are 4xx or a correct 2xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), trickyText, async (path, text) => {
        await answer(path, text, 'application/json');
      }),
      { ...settings, numRuns: Math.min(settings.numRuns, 60) },
    );
    // A key named __proto__ never reaches Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('batches of hostile customers, empty, at the limit and over it: per-batch answer or 4xx, rows in order', async () => {
    let scored = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(customer, { minLength: 0, maxLength: MAX_BATCH + 2 }), async (customers) => {
        const { status, body } = await answer('/v1/score', JSON.stringify({ customers }), 'application/json');
        if (customers.length === 0 || customers.length > MAX_BATCH) expect(status).toBeGreaterThanOrEqual(400);
        if (customers.length > MAX_BATCH) expect(status).toBe(413);
        if (status === 200) {
          scored += 1;
          const predictions = (body as { predictions: { ltv: number }[] }).predictions;
          expect(predictions).toHaveLength(customers.length);
          for (const p of predictions) expect(p.ltv).toBeGreaterThanOrEqual(0);
        }
      }),
      settings,
    );
    // Some batches are valid (real values or missing optional features), so the 200 path is exercised too.
    expect(scored).toBeGreaterThan(0);
  });

  it('long arrays of every kind a body holds, under the size limit and a little over: never a 5xx', async () => {
    const tensor = { name: reference.input, datatype: 'FP32', shape: [1, reference.width], data: Array(reference.width).fill(0) };
    // Where a long array goes: each array member a route reads (and the segment route's id, which is none).
    const places: Record<string, [string, (items: unknown[]) => unknown]> = {
      customers: ['/v1/score', (items) => ({ customers: items })],
      customer: ['/v1/score', (items) => ({ customer: items })],
      inputs: [routes[1], (items) => ({ inputs: items })],
      outputs: [routes[1], (items) => ({ inputs: [tensor], outputs: items })],
      shape: [routes[1], (items) => ({ inputs: [{ ...tensor, shape: items }] })],
      data: [routes[1], (items) => ({ inputs: [{ ...tensor, data: items }] })],
      rows: [routes[1], (items) => ({ inputs: [{ ...tensor, shape: [items.length, reference.width], data: items }] })],
      'output parameters': [routes[1], (items) => ({ inputs: [tensor], outputs: [{ name: reference.output, parameters: { list: items } }] })],
      'segment id': ['/v1/segment', (items) => ({ siteKey: 'pk_demo', id: items, token: 'x' })],
    };
    // Elements: wrong types (one issue each, the case that overflowed the stack), valid ones, nested arrays.
    const element = fc.constantFrom<unknown>(0, -1, 1.5, null, 'x', true, {}, [], [0], { name: reference.output }, 'FP32', reference.cases[0]!.record, Array(reference.width).fill(0));
    const length = fc.oneof(fc.nat({ max: 20 }), fc.integer({ min: 1_000, max: 400_000 }));
    let large = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(places)), element, length, async (place, item, wanted) => {
        // Up to a quarter over the body limit (a 413), no further: the point is long arrays that fit.
        const count = Math.min(wanted, Math.floor((1.25 * MAX_BODY_BYTES) / (JSON.stringify(item).length + 1)));
        const [path, body] = places[place]!;
        const text = JSON.stringify(body(Array(count).fill(item)));
        if (count >= 10_000 && text.length <= MAX_BODY_BYTES) large += 1;
        const { status } = await answer(path, text, 'application/json');
        if (text.length > MAX_BODY_BYTES) expect(status).toBe(413);
      }),
      { ...settings, numRuns: Math.min(settings.numRuns, 100) },
    );
    // The long arrays under the limit, which used to end in a 500, were sent.
    expect(large).toBeGreaterThan(10);
  }, 120_000);

  it('OIP tensors of any shape, datatype and data: a [N, 1] FP32 answer only for a well-formed [N, F] FP32 tensor', async () => {
    const width = reference.width;
    const tensor = fc.record({
      name: fc.oneof(fc.constant(reference.input), fc.string({ maxLength: 10 })),
      datatype: fc.oneof(fc.constant('FP32'), fc.constantFrom('FP64', 'INT64', 'BYTES', 'fp32', ''), fc.string({ maxLength: 6 })),
      shape: fc.oneof(
        fc.nat({ max: MAX_BATCH + 2 }).map((n) => [n, width]),
        fc.array(fc.oneof(fc.integer({ min: -2, max: width + 2 }), fc.constantFrom(1e9, 2 ** 53, 0.5)), { maxLength: 4 }),
      ),
      data: fc.oneof(
        fc.array(fc.oneof(fc.float({ noDefaultInfinity: false }), fc.constant(null)), { maxLength: (MAX_BATCH + 1) * width }),
        fc.array(hostileLeaf, { maxLength: 3 * width }),
        hostileJson,
      ),
    });
    // Well-formed tensors (with NaN as null and extreme floats) mixed in, so that the 2xx path is exercised too.
    const wellFormed = fc.integer({ min: 1, max: MAX_BATCH }).chain((rows) =>
      fc.record({
        name: fc.constant(reference.input),
        datatype: fc.constant('FP32'),
        shape: fc.constant([rows, width]),
        data: fc.array(fc.oneof(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), { minLength: rows * width, maxLength: rows * width }),
      }),
    );
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.tuple(wellFormed), fc.array(tensor, { maxLength: 2 })), async (inputs) => {
        const { status, body } = await answer(`/v2/models/${reference.name}/infer`, JSON.stringify({ inputs }), 'application/json');
        if (status === 200) {
          const [only] = inputs;
          expect(inputs).toHaveLength(1);
          expect(only!.datatype).toBe('FP32');
          const rows = only!.shape[0]!;
          expect(only!.shape).toEqual([rows, width]);
          const output = (body as { outputs: { shape: number[]; data: number[] }[] }).outputs[0]!;
          expect(output.shape).toEqual([rows, 1]);
          expect(output.data).toHaveLength(rows);
          answered += 1;
        }
      }),
      settings,
    );
    expect(answered).toBeGreaterThan(settings.numRuns / 5);
  });
});
