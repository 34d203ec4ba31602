import { describe, expect, it } from 'vitest';
import { configuredTokenDigests, presentedTokenDigest } from '../../../src/http/token-digest.js';

const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (text: string) => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

describe('token digests', () => {
  it("hashes a request's bearer token once, however many middlewares ask", async () => {
    const request = new Request('http://worker.test/', { headers: { Authorization: 'Bearer tok-1' } });
    const first = presentedTokenDigest(request);
    expect(presentedTokenDigest(request)).toBe(first);
    expect(hex(await first!)).toBe(await sha256('tok-1'));
    // Another request with the same token gets its own digest: nothing outlives a request.
    expect(presentedTokenDigest(new Request('http://worker.test/', { headers: { Authorization: 'Bearer tok-1' } }))).not.toBe(first);
  });

  it('has no digest for a request without a bearer token', () => {
    const cases: Record<string, string>[] = [{}, { Authorization: 'Basic abc' }, { Authorization: 'Bearer' }, { Authorization: 'Bearer a b' }];
    for (const headers of cases) {
      expect(presentedTokenDigest(new Request('http://worker.test/', { headers })), JSON.stringify(headers)).toBeUndefined();
    }
  });

  it('hashes the configured tokens once per token list, in order', async () => {
    const tokens = ['old-token', 'new-token'];
    const digests = configuredTokenDigests(tokens);
    expect(configuredTokenDigests(tokens)).toBe(digests);
    expect((await digests).map(hex)).toEqual([await sha256('old-token'), await sha256('new-token')]);
  });
});
