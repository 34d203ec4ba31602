/**
 * Scoring by customer id (Workers KV lookup included) against scoring with the
 * features in the body, for 1 and for 100 customers, on local workerd (wrangler's
 * unstable_dev over HTTP on 127.0.0.1). The store is filled the way a developer fills
 * it: `npm run publish-store` (wrangler kv bulk put --local) into a fresh persistence
 * directory, which the worker then reads. The four kinds of request are interleaved,
 * so that the machine's load falls on all of them alike.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unstable_dev } from 'wrangler';
import { parseCsv } from '../../data/csv.js';
import { generateCustomers, toCsv } from '../../data/generate.js';

export type Kind = 'byId' | 'inBody';

/** One kind of request: its batch size, where the features come from, and what each request took. */
export interface FeatureStoreCase {
  n: number;
  kind: Kind;
  body: string;
  /** Wall time per request over HTTP, ms. */
  ms: number[];
  /** The KV lookup's share (Server-Timing "features"), ms, for requests by id. */
  kv: number[];
}

export async function measureFeatureStore({ rounds, rowCount }: { rounds: number; rowCount: number }): Promise<FeatureStoreCase[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ltv-measure-features-'));
  const csvFile = join(dir, 'customers.csv');
  writeFileSync(csvFile, toCsv(generateCustomers({ rows: rowCount, seed: 7 })));
  const token = randomBytes(16).toString('hex');

  console.error('publishing the features (npm run publish-store --env local) …');
  try {
    execFileSync('npx', ['tsx', 'scripts/commands/publish-store.ts', '--features', csvFile, '--id', 'customer_id', '--persist-to', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    // Exit 1 means some rows were rejected (the generator writes duplicate ids on purpose); the rest were published.
    if ((error as { status?: number }).status !== 1) throw error;
  }

  // The customers as the worker would get them in a body: the same cells, typed as publish-store types them.
  const manifest = JSON.parse(readFileSync('model/ltv.json', 'utf8')) as { spec: { features: { name: string; type: string }[] } };
  const [header, ...rows] = parseCsv(readFileSync(csvFile, 'utf8'));
  const seen = new Set<string>();
  const customers: { id: string; features: Record<string, number | string> }[] = [];
  for (const row of rows) {
    const id = row.fields[0]!;
    if (seen.has(id)) continue;
    seen.add(id);
    const features: Record<string, number | string> = {};
    for (const feature of manifest.spec.features) {
      const cell = row.fields[header!.fields.indexOf(feature.name)]!.trim();
      if (cell === '' || /^(na|nan|null)$/i.test(cell)) continue;
      features[feature.name] = feature.type === 'numeric' ? Number(cell) : cell;
    }
    customers.push({ id, features });
  }

  console.error('starting the worker (wrangler unstable_dev, local workerd) …');
  const worker = await unstable_dev('src/index.ts', {
    config: 'wrangler.toml',
    ip: '127.0.0.1',
    port: 0,
    persistTo: join(dir, 'state'),
    vars: { API_TOKEN: token },
    logLevel: 'error',
    experimental: { disableExperimentalWarning: true, disableDevRegistry: true },
  });

  const bodies = (n: number, kind: Kind) =>
    JSON.stringify({ customers: customers.slice(0, n).map((c) => (kind === 'byId' ? { id: c.id } : c.features)) });
  const cases: FeatureStoreCase[] = [1, 100].flatMap((n) => (['byId', 'inBody'] as const).map((kind) => ({ n, kind, body: bodies(n, kind), ms: [], kv: [] })));

  async function once(body: string): Promise<{ ms: number; kv: number | undefined }> {
    const start = performance.now();
    const response = await fetch(`http://${worker.address}:${worker.port}/v1/score`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body,
    });
    const text = await response.text();
    const ms = performance.now() - start;
    if (response.status !== 200 || text.includes('"error"')) throw new Error(`unexpected answer ${response.status}: ${text.slice(0, 300)}`);
    const kv = /features;dur=([\d.]+)/.exec(response.headers.get('Server-Timing') ?? '')?.[1];
    return { ms, kv: kv === undefined ? undefined : Number(kv) };
  }

  try {
    for (const c of cases) for (let i = 0; i < 10; i++) await once(c.body); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        const { ms, kv } = await once(c.body);
        c.ms.push(ms);
        if (kv !== undefined) c.kv.push(kv);
      }
    }
  } finally {
    await worker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return cases;
}
