/**
 * Lints an OpenAPI document with the two linters the ecosystem uses: Redocly CLI
 * (its `recommended` rules, redocly.yaml) and Spectral (`spectral:oas`, .spectral.yaml),
 * each run as its own CLI on Node, the way a caller's CI would run it.
 *
 * Offline by construction: both rulesets are bundled with the CLIs, the document has no
 * remote $ref, Redocly's telemetry is off (redocly.yaml) and its update check is
 * suppressed here (REDOCLY_SUPPRESS_UPDATE_NOTICE), Spectral makes no call of its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);

export interface LintProblem {
  linter: 'redocly' | 'spectral';
  rule: string;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  /** Where in the document, as a JSON pointer. */
  pointer: string;
}

/** Every problem either linter finds in the document at `file` (both run at once). */
export async function lintOpenApi(file: string): Promise<LintProblem[]> {
  const [redocly, spectral] = await Promise.all([redoclyLint(file), spectralLint(file)]);
  return [...redocly, ...spectral];
}

/** `redocly:security-defined (error)` → count, sorted by linter and rule. */
export function countByRule(problems: readonly LintProblem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of problems) {
    const key = `${p.linter}: ${p.rule} (${p.severity})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

async function redoclyLint(file: string): Promise<LintProblem[]> {
  // Exit code 1 means "problems found"; the JSON on stdout lists them either way.
  const { stdout } = await cli('@redocly/cli', 'redocly', ['lint', file, '--format=json', `--config=${join(root, 'redocly.yaml')}`]);
  const report = parseJson(stdout, 'redocly lint') as { problems: { ruleId: string; severity: string; message: string; location: { pointer?: string }[] }[] };
  return report.problems.map((p) => ({
    linter: 'redocly',
    rule: p.ruleId,
    severity: p.severity === 'error' ? 'error' : 'warning',
    message: p.message,
    pointer: (p.location[0]?.pointer ?? '#').replace(/^#/, ''),
  }));
}

async function spectralLint(file: string): Promise<LintProblem[]> {
  const out = mkdtempSync(join(tmpdir(), 'ltv-spectral-'));
  try {
    const report = join(out, 'report.json');
    await cli('@stoplight/spectral-cli', 'spectral', ['lint', file, `--ruleset=${join(root, '.spectral.yaml')}`, '--format=json', `--output=${report}`, '--quiet', '--fail-severity=hint']);
    const results = parseJson(readFileSync(report, 'utf8'), 'spectral lint') as { code: string | number; message: string; severity: number; path: (string | number)[] }[];
    const severities = ['error', 'warning', 'info', 'hint'] as const;
    return results.map((r) => ({
      linter: 'spectral',
      rule: String(r.code),
      severity: severities[r.severity] ?? 'error',
      message: r.message,
      pointer: r.path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join(''),
    }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Runs a package's CLI on this Node; a non-zero exit is not a failure here (it means "problems found"). */
async function cli(pkg: string, bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const require = createRequire(join(root, 'package.json'));
  const manifest = require(`${pkg}/package.json`) as { bin: string | Record<string, string> };
  const entry = join(dirname(require.resolve(`${pkg}/package.json`)), typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin]!);
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  try {
    return await run(process.execPath, [entry, ...args], { cwd: root, env, maxBuffer: 64 << 20 });
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code === 'number' && failed.stdout !== undefined) return { stdout: failed.stdout, stderr: failed.stderr ?? '' };
    throw error;
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} printed no JSON report:\n${text.slice(0, 2000)}`);
  }
}
