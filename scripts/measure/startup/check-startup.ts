/**
 * `wrangler check startup` on a prebuilt bundle, its profile read back: the start-up
 * figure Cloudflare's own tool gives (active = sampled minus idle, as it prints it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, wranglerBin } from '../../build/bundle.js';
import type { CpuProfile } from '../workerd/cpu-profile.js';
import { activeMs } from './profile.js';

/** Active start-up milliseconds of `bundleFile` (a `wrangler deploy --dry-run --outfile`), as wrangler measures them. */
export function checkStartupMs(bundleFile: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'ltv-check-startup-'));
  try {
    const outfile = join(dir, 'startup.cpuprofile');
    const run = spawnSync(process.execPath, [wranglerBin, 'check', 'startup', '--workerBundle', bundleFile, '--outfile', outfile], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
    if (run.status !== 0) throw new Error(`wrangler check startup --workerBundle ${bundleFile} failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stdout}${run.stderr}`);
    return activeMs(JSON.parse(readFileSync(outfile, 'utf8')) as CpuProfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
