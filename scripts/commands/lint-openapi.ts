/**
 * npm run lint:openapi -- [URL or FILE]
 *
 * Lints the API document with Redocly CLI (recommended) and Spectral (spectral:oas),
 * as a caller's tooling would: by default the one `npm run dev` serves
 * (http://127.0.0.1:8787/openapi.json). Prints every problem and the counts by rule.
 * Exit 0 with no problem at all (warnings included), 1 otherwise.
 * The test suite lints the document the built worker serves in workerd the same way
 * (test/scripts/openapi/served-document.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../cli/args.js';
import { runCli } from '../cli/run.js';
import { countByRule, lintOpenApi } from '../openapi/lint.js';

const DEFAULT_SOURCE = 'http://127.0.0.1:8787/openapi.json';

async function main(argv: string[]): Promise<void> {
  if (argv.length > 1) throw new UsageError('expected at most one argument: the URL or file of the document');
  const source = argv[0] ?? DEFAULT_SOURCE;
  const text = /^https?:\/\//.test(source) ? await download(source) : readFileSync(source, 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'ltv-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, text);
    const problems = await lintOpenApi(file);
    for (const p of problems) console.log(`${p.linter} ${p.severity} ${p.rule} at ${p.pointer || '/'}: ${p.message}`);
    console.log(problems.length === 0 ? `${source}: no problems (redocly recommended, spectral:oas)` : `${source}: ${problems.length} problems`);
    for (const [rule, count] of countByRule(problems)) console.log(`  ${String(count).padStart(3)}  ${rule}`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function download(url: string): Promise<string> {
  const response = await fetch(url).catch((error: unknown) => {
    throw new UsageError(`cannot fetch ${url} (is \`npm run dev\` running?): ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!response.ok) throw new UsageError(`${url} answered HTTP ${response.status}`);
  return response.text();
}

runCli('lint-openapi', main);
