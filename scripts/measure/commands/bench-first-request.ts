/**
 * npm run bench:first-request [-- --runs N] — the CPU of the first requests of a fresh
 * isolate (../serving/first-request.ts), for the default build (compiled engine), the
 * same without the request-path warm-up, and the ORT build with ENGINE=ort, each built
 * into a temporary directory. Prints a markdown table. --runs: fresh isolates per build (default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { intOption } from '../../cli/args.js';
import { runCli } from '../../cli/run.js';
import { benchFirstRequest } from '../serving/first-request.js';
import { COMPILED, COMPILED_NO_REQUEST_WARM_UP, ORT, buildVariant } from '../workerd/builds.js';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { runs: { type: 'string', default: '5' } } });
  const runs = intOption('runs', values.runs, 5, 1);
  const dir = mkdtempSync(join(tmpdir(), 'ltv-first-request-'));
  try {
    const builds = [COMPILED, COMPILED_NO_REQUEST_WARM_UP, ORT].map((v, i) => buildVariant(v, join(dir, String(i))));
    console.log((await benchFirstRequest(builds, runs)).markdown);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runCli('bench:first-request', main);
