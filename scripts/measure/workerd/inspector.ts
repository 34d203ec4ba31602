/**
 * A minimal Chrome DevTools Protocol client for one worker's isolate in local workerd,
 * over Node 22's global WebSocket: requests matched to replies by id, CDP errors thrown
 * with the method's name, and a time limit on every call so a bench never hangs.
 * (Three methods are used; a CDP library would add a dependency for a 40-line job.)
 */
import type { Miniflare } from 'miniflare';

export class InspectorError extends Error {
  override name = 'InspectorError';
}

export interface Inspector {
  /** Sends `method` and resolves with its result; rejects on a CDP error or after `timeoutMs`. */
  send<T = Record<string, unknown>>(method: string, params?: object, timeoutMs?: number): Promise<T>;
  close(): void;
}

/**
 * Connects to one isolate of a Miniflare started with `inspectorPort`. workerd serves one
 * target per worker: `core:user:<name>` for a user worker, `core:entry` for Miniflare's
 * own entry worker, which every request passes through (the list: /json/list).
 */
export async function connectInspector(mf: Miniflare, target: string): Promise<Inspector> {
  const url = new URL(`/${target}`, await mf.getInspectorURL());
  const ws = new WebSocket(url.href);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new InspectorError(`cannot connect to workerd's inspector at ${url.href}`)), { once: true });
  });
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void; method: string }>();
  ws.addEventListener('message', (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { code: number; message: string } };
    const call = message.id === undefined ? undefined : pending.get(message.id);
    if (call === undefined) return; // an event, or a reply that came after its time limit
    pending.delete(message.id!);
    if (message.error !== undefined) call.reject(new InspectorError(`${call.method}: ${message.error.message} (CDP error ${message.error.code})`));
    else call.resolve(message.result ?? {});
  });
  let lastId = 0;
  return {
    send<T>(method: string, params: object = {}, timeoutMs = 10_000): Promise<T> {
      const id = ++lastId;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new InspectorError(`${method}: no reply from workerd's inspector within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          method,
          resolve: (result) => { clearTimeout(timer); resolve(result as T); },
          reject: (error) => { clearTimeout(timer); reject(error); },
        });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => ws.close(),
  };
}
