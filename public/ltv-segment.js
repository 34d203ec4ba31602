// ltv-edge browser snippet: the visitor's value tier, for personalisation.
// No dependencies. Usage, with the id and token your back end put in the page:
//   import { loadTier } from 'https://ltv.example/ltv-segment.js';
//   loadTier({ siteKey: 'pk_…', id: visitorId, token: visitorToken });
// The token is signed by your back end for this visitor (docs/callers.md); the
// public site key alone looks nobody up. Sets <html data-ltv-tier="high|medium|low|default">
// and dispatches `ltv:tier` on document (detail: { tier, source: 'api' | 'default' }).
// Never throws: on a time-out, an error, an unknown visitor or no token the tier is `fallback`.
export async function loadTier({ siteKey, id, token, endpoint, timeoutMs = 800, fallback = 'default', target = document.documentElement } = {}) {
  const url = endpoint ?? new URL('/v1/segment', import.meta.url).href;
  let tier = fallback;
  let source = 'default';
  if (siteKey && id && token) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ siteKey, id, token }),
        signal: abort.signal,
        credentials: 'omit',
      });
      if (response.ok) {
        const body = await response.json();
        if (['high', 'medium', 'low'].includes(body.tier)) { tier = body.tier; source = 'api'; }
      }
    } catch {
      // Time-out or network error: the safe default stands.
    } finally {
      clearTimeout(timer);
    }
  }
  target.dataset.ltvTier = tier;
  target.dispatchEvent(new CustomEvent('ltv:tier', { detail: { tier, source }, bubbles: true }));
  return tier;
}
