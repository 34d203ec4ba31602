/**
 * The built worker (dist/, as `npm run build` leaves it) in local workerd through
 * Miniflare's API, with wrangler.toml's bindings that matter for traffic: the API
 * token and a rate limiter (generous here: the soak measures serving, not limiting).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';

interface Module {
  type: 'ESModule' | 'CompiledWasm' | 'Data';
  path: string;
}

function distModules(dist: string): Module[] {
  if (!existsSync(join(dist, 'index.js'))) throw new Error(`${dist}/index.js is missing: run \`npm run build\` first`);
  const types: Record<string, Module['type']> = { '.js': 'ESModule', '.wasm': 'CompiledWasm', '.onnx': 'Data' };
  return readdirSync(dist)
    .flatMap((name) => {
      const type = types[name.slice(name.lastIndexOf('.'))];
      return type === undefined ? [] : [{ type, path: join(dist, name) }];
    })
    .sort((a, b) => Number(b.path.endsWith('index.js')) - Number(a.path.endsWith('index.js')));
}

function compatibilityDate(root: string): string {
  const match = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'));
  if (match === null) throw new Error('wrangler.toml has no compatibility_date');
  return match[1]!;
}

export interface LocalWorker {
  url: URL;
  dispose(): Promise<void>;
}

export async function startLocalWorker(root: string, token: string, onLog: (message: string) => void): Promise<LocalWorker> {
  const dist = join(root, 'dist');
  const mf = new Miniflare(convertV4MiniflareOptions({
    name: 'ltv-edge',
    compatibilityDate: compatibilityDate(root),
    modulesRoot: dist,
    modules: distModules(dist),
    bindings: { API_TOKEN: token, MAX_BATCH: 1000, MAX_BODY_BYTES: 1 << 20, ALLOWED_ORIGINS: '' },
    ratelimits: { RATE_LIMITER: { namespace_id: 'soak', simple: { limit: 1_000_000, period: 10 } } },
    host: '127.0.0.1',
    port: 0,
    handleStructuredLogs: ({ message }: { message: string }) => onLog(message.trim()),
  }));
  const url = await mf.ready;
  return { url, dispose: () => mf.dispose() };
}
