/**
 * Writing feature records to the FEATURES Workers KV namespace (wrangler.toml) with
 * `wrangler kv bulk put`: locally into workerd's storage, the directory `wrangler dev`
 * reads, or remotely into a wrangler environment's namespace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ModelManifest, ManifestError, parseManifest } from '../../src/spec/manifest.js';
import type { KvPair } from './build-records.js';

export const PUBLISH_ENVS = ['local', 'staging', 'production'] as const;
export type PublishEnv = (typeof PUBLISH_ENVS)[number];

/** Pairs per `wrangler kv bulk put` (the KV bulk API takes at most 10,000 per request). */
const CHUNK = 10_000;

/** A model that cannot be read or a failed upload: printed as a message, exit 1. */
export class PublishError extends Error {
  override name = 'PublishError';
}

/** The spec of the model the records are built for (`DIR/ltv.json`). */
export function readModelManifest(modelDir: string): ModelManifest {
  const manifestFile = join(modelDir, 'ltv.json');
  try {
    return parseManifest(JSON.parse(readFileSync(manifestFile, 'utf8')));
  } catch (error) {
    if (error instanceof ManifestError || error instanceof SyntaxError) throw new PublishError(`${manifestFile}: ${error.message}`);
    throw new PublishError(`${manifestFile}: cannot read the model's spec (${(error as Error).message})`);
  }
}

/** Where `publishPairs` writes, in words. */
export function destination(env: PublishEnv, persistTo: string | undefined): string {
  return env === 'local' ? `local storage (${resolve(persistTo ?? '.wrangler/state')})` : `the ${env} namespace`;
}

/** Uploads the pairs in chunks of 10,000 through temporary JSON files. */
export function publishPairs(pairs: readonly KvPair[], env: PublishEnv, persistTo: string | undefined): void {
  const dir = mkdtempSync(join(tmpdir(), 'ltv-publish-'));
  try {
    for (let i = 0; i < pairs.length; i += CHUNK) {
      const file = join(dir, `pairs-${i}.json`);
      writeFileSync(file, JSON.stringify(pairs.slice(i, i + CHUNK)));
      bulkPut(file, env, persistTo);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function bulkPut(file: string, env: PublishEnv, persistTo: string | undefined): void {
  const args = ['wrangler', 'kv', 'bulk', 'put', file, '--binding', 'FEATURES'];
  if (env === 'local') {
    args.push('--local');
    if (persistTo !== undefined) args.push('--persist-to', persistTo);
  } else {
    args.push('--remote', '--env', env);
  }
  const result = spawnSync('npx', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
  if (result.status !== 0) throw new PublishError(`wrangler kv bulk put failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
}
