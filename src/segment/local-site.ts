/**
 * Local site keys: those bound to loopback origins only (`http://127.0.0.1:8787`,
 * `http://localhost:8787`), as the demo key `pk_demo` of `npm run dev` is.
 *
 * Such a key and its secret are committed to the repository (wrangler.toml), so they
 * must be worthless on a deployed worker: the worker serves a local key only to a
 * request addressed to a loopback host, which Cloudflare never routes to a Worker
 * (it routes by the public hostname). `wrangler deploy` of the local configuration
 * therefore answers every pk_demo request with 403, and its demo signer with 404.
 */

const LOOPBACK_HOSTS = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Whether `hostname` (as URL.hostname gives it) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname);
}

/** Whether every origin of a site is a loopback origin (and there is at least one). */
export function isLocalSite(origins: readonly string[]): boolean {
  return origins.length > 0 && origins.every((origin) => {
    try {
      return isLoopbackHost(new URL(origin).hostname);
    } catch {
      return false;
    }
  });
}

/** Whether a request for a site with these origins may be served at `requestUrl`. */
export function servesSite(origins: readonly string[], requestUrl: string): boolean {
  return !isLocalSite(origins) || isLoopbackHost(new URL(requestUrl).hostname);
}
