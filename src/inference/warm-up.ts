/**
 * One request through the whole app at isolate start-up, so that the first real
 * request is as cheap as the later ones.
 *
 * What the first scoring request of an isolate spent its CPU on, before this
 * (`npm run bench -- --only cold`, a V8 CPU profile of that request through
 * workerd's inspector): not ORT, whose session and first run already happen at
 * start-up (./model.ts), but first-call work in the request path. Hono's
 * RegExpRouter compiles its route table into one regular expression on the first
 * `match`; zod 4 builds each schema's parser on its first `parse`; and V8 compiles
 * every JavaScript function lazily, on its first call (the middleware, the
 * encoder, the JSON response). Together ~20 ms of CPU, twice the Free plan's
 * whole per-request budget. Start-up has a 1 s budget and already spends most of
 * it on ORT; one synthetic request adds a few milliseconds there.
 *
 * The requests carry their own token in their own env object, which exists only
 * for these calls: nothing leaves the isolate, no real binding accepts it, and
 * `readConfig` caches per env object, so the real bindings are read as before on
 * the first real request. They also carry an X-Request-Id: workerd forbids
 * random values at start-up, which the request-id middleware would otherwise
 * generate. It also forbids a Request with a body there (a body is a stream, and
 * streams are I/O), so the JSON is handed over by `text()`, the one way the app
 * reads a body (src/http/json-body.ts). Nor may a Response be created there, so
 * for the duration of the warm-up the global `Response` (which Hono constructs
 * by name) is a plain stand-in holding status, headers and body; the original is
 * back in `finally`, before any request can run, as with ./ort/wasm-hook.ts. Failure is logged and ignored: a warm-up must never stop the worker
 * from serving.
 */
import type { ModelManifest } from '../spec/manifest.js';
import { typicalCustomer } from '../spec/typical-customer.js';

/** What the warm-up needs of the Hono app: its fetch. */
export interface FetchHandler {
  fetch(request: Request, env: Env): Response | Promise<Response>;
}

/** Sends a scoring request (both APIs) and a health check through `app`; returns the statuses seen. */
export async function warmUpRequestPath(app: FetchHandler, manifest: ModelManifest | undefined, width: number): Promise<number[]> {
  if (manifest === undefined) return [];
  const token = 'warm-up';
  // Only the vars the request path reads. No bindings: the warm-up touches no storage (KV), no
  // rate-limit budget and no analytics; the routes it calls treat an absent binding as unused.
  const env: Partial<Env> = { API_TOKEN: token, ALLOWED_ORIGINS: '', MAX_BATCH: 1000, MAX_BODY_BYTES: 1 << 20 };
  const post = (path: string, body: unknown) =>
    new PreReadRequest(
      `http://warm-up.invalid${path}`,
      { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Request-Id': 'warm-up' } },
      JSON.stringify(body),
    );
  const requests = [
    post('/v1/score', { customer: typicalCustomer(manifest) }),
    post(`/v2/models/${manifest.name}/infer`, {
      inputs: [{ name: manifest.spec.io.input, shape: [1, width], datatype: 'FP32', data: new Array<null>(width).fill(null) }],
    }),
    new Request('http://warm-up.invalid/v2/health/ready', { headers: { 'X-Request-Id': 'warm-up' } }),
  ];
  const statuses: number[] = [];
  const original = globalThis.Response;
  globalThis.Response = StandInResponse as unknown as typeof Response;
  try {
    for (const request of requests) {
      try {
        statuses.push((await app.fetch(request, env as Env)).status);
      } catch (error) {
        console.error(JSON.stringify({ event: 'warm_up_failed', path: new URL(request.url).pathname, reason: String(error) }));
      }
    }
  } finally {
    globalThis.Response = original;
  }
  const failed = statuses.filter((status) => status !== 200);
  if (failed.length > 0) console.error(JSON.stringify({ event: 'warm_up_failed', statuses }));
  return statuses;
}

/** A POST whose body is a string handed out by `text()`/`json()`, not a stream (see above). */
class PreReadRequest extends Request {
  constructor(
    url: string,
    init: RequestInit,
    private readonly content: string,
  ) {
    super(url, init);
  }

  override text(): Promise<string> {
    return Promise.resolve(this.content);
  }

  override json<T>(): Promise<T> {
    return Promise.resolve(JSON.parse(this.content) as T);
  }
}

/** What Hono and its middleware use of a Response: status, mutable headers, the body as given. */
class StandInResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;

  constructor(
    readonly body: BodyInit | null = null,
    init: ResponseInit = {},
  ) {
    this.status = init.status ?? 200;
    this.statusText = init.statusText ?? '';
    this.headers = new Headers(init.headers);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
}
