/**
 * The typed client against the worker in workerd (its fetch routed to the app),
 * and its hard deadline against a transport that never answers.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { createBidder } from '../../../src/client/bidder-example.js';
import { LtvClient } from '../../../src/client/ltv-client.js';
import { featureKey } from '../../../src/feature-store/stored-record.js';
import worker from '../../../src/index.js';
import { TOKEN, testEnv } from '../helpers.js';
import { closeTo } from '../reference.js';

const reference = inject('ltvReference');
const [typical] = reference.cases;
const e = testEnv();
const viaWorker = (input: string, init: RequestInit) => Promise.resolve(worker.request(input, init, e));
const never = () => new Promise<Response>(() => {});

describe('LtvClient', () => {
  it('scores by id and by features through the worker, typed', async () => {
    await env.FEATURES.put(featureKey('client-1'), JSON.stringify({ modelVersion: reference.version, publishedAt: 'now', features: typical!.record }));
    const client = new LtvClient({ baseUrl: 'http://ltv.test', token: TOKEN, fetch: viaWorker });
    for (const customer of [{ id: 'client-1' }, typical!.record]) {
      const outcome = await client.ltv(customer, 5_000, -1);
      expect(outcome.ok && closeTo(outcome.value, typical!.ltv), JSON.stringify(outcome)).toBe(true);
    }
    expect(await client.ltv({ id: 'nobody' }, 5_000, -1)).toMatchObject({ ok: false, value: -1, reason: 'item' });
  });

  it('returns the fallback at the deadline when the scorer does not answer', async () => {
    const client = new LtvClient({ baseUrl: 'http://ltv.test', token: TOKEN, fetch: never });
    const outcome = await client.ltv({ id: 'x' }, 30, 25);
    expect(outcome).toMatchObject({ ok: false, value: 25, reason: 'deadline' });
    expect(outcome.ms).toBeLessThan(1_000);
  });

  it('falls back on a refused token', async () => {
    const client = new LtvClient({ baseUrl: 'http://ltv.test', token: 'wrong', fetch: viaWorker });
    expect(await client.ltv(typical!.record, 5_000, 7)).toMatchObject({ ok: false, value: 7, reason: 'http', detail: 'HTTP 401' });
  });

  it('lets the bidder example bid on the fallback when the scorer hangs', async () => {
    const bid = createBidder('http://ltv.test', TOKEN, never);
    expect(await bid('user-hash', 2)).toBe(50);
  });
});
