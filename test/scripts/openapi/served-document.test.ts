/**
 * /openapi.json as a caller's tooling meets it: the worker built as `wrangler deploy`
 * would upload it, running in local workerd (Miniflare), its document fetched over HTTP.
 * - Redocly CLI (recommended) and Spectral (spectral:oas) find no problem in it, not even
 *   a warning (scripts/openapi/lint.ts; each linter's config switches off one rule, with
 *   the reason beside it).
 * - openapi-typescript's CLI turns it into types that compile under `strict`, and
 *   openapi-fetch on those types scores a customer against the running worker, reads a
 *   problem, and speaks the Open Inference Protocol with a model version. The same
 *   compilation checks src/client/ltv-client.ts against the generated types, both ways.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Miniflare } from 'miniflare';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countByRule, lintOpenApi } from '../../../scripts/openapi/lint.js';
import { parseManifest } from '../../../src/spec/manifest.js';
import { typicalCustomer } from '../../../src/spec/typical-customer.js';
import { type BuiltWorker, buildWorker } from '../measure/built-worker.js';

const root = new URL('../../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const TOKEN = 'openapi-test-token';
const manifest = parseManifest(JSON.parse(readFileSync(join(root, 'model/ltv.json'), 'utf8')));
const customer = typicalCustomer(manifest);

let built: BuiltWorker | undefined;
let worker: Miniflare | undefined;
let baseUrl: string;
let dir: string;
let documentFile: string;

beforeAll(async () => {
  built = buildWorker();
  const { distModules, startWorker } = await import('../../../scripts/measure/workerd/workerd.js');
  worker = startWorker(distModules(built.dir), TOKEN, { modulesRoot: built.dir });
  baseUrl = (await worker.ready).origin;
  dir = mkdtempSync(join(tmpdir(), 'ltv-openapi-client-'));
  // The generated client resolves openapi-fetch (and TypeScript its types) as a caller's project would.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const response = await fetch(`${baseUrl}/openapi.json`);
  expect(response.status).toBe(200);
  documentFile = join(dir, 'openapi.json');
  writeFileSync(documentFile, await response.text());
}, 120_000);

afterAll(async () => {
  await worker?.dispose();
  built?.remove();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the served /openapi.json', () => {
  it('has no problem for Redocly (recommended) or Spectral (spectral:oas), warnings included', async () => {
    const problems = await lintOpenApi(documentFile);
    expect(Object.fromEntries(countByRule(problems)), problems.map((p) => `${p.linter} ${p.rule} at ${p.pointer}: ${p.message}`).join('\n')).toEqual({});
  }, 60_000);

  it('becomes, through openapi-typescript, a client that compiles, scores a customer, reads problems and speaks the OIP', async () => {
    const apiFile = join(dir, 'ltv-api.ts');
    const generator = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    await promisify(execFile)(process.execPath, [generator, documentFile, '--output', apiFile], { cwd: dir });
    const generated = readFileSync(apiFile, 'utf8');
    console.log(`generated client types: ${statSync(apiFile).size} bytes, ${generated.split('\n').length} lines (${apiFile.replace(dir, '<tmp>')})`);

    writeFileSync(join(dir, 'use.ts'), USE_SOURCE);
    writeFileSync(join(dir, 'misuse.ts'), MISUSE_SOURCE);
    // One program for both (a compilation costs seconds): use.ts compiles, and each misuse is refused on its own line.
    const errors = compileErrors(['use.ts', 'misuse.ts']);
    expect(errors.filter((error) => !error.startsWith('<tmp>/misuse.ts:'))).toEqual([]);
    const refused = errors.filter((error) => error.startsWith('<tmp>/misuse.ts:'));
    expect(refused.map((error) => error.match(/^<tmp>\/misuse\.ts:(\d+):/)?.[1]), refused.join('\n')).toEqual(['7', '8', '9']);

    const use = (await import(pathToFileURL(join(dir, 'use.ts')).href)) as UseModule;

    const scored = await use.scoreOne(baseUrl, TOKEN, customer);
    expect(scored).toMatchObject({ status: 200, model: { name: manifest.name, version: manifest.version } });
    const ltv = scored.ltv!;
    expect(Number.isFinite(ltv) && ltv >= 0, String(ltv)).toBe(true);
    // The hand-written client, against the same worker, gives the same value.
    expect(await use.ltvByHand(baseUrl, TOKEN, customer)).toMatchObject({ ok: true, value: ltv });

    expect(await use.scoreOne(baseUrl, 'wrong-token', customer)).toMatchObject({ status: 401, problem: { status: 401, detail: expect.stringContaining('not valid') } });

    const inferred = await use.inferByVersion(baseUrl, TOKEN, manifest.name, manifest.version, manifest.spec.io.input, use.encodedWidth);
    expect(inferred).toMatchObject({ status: 200, version: manifest.version, outputs: manifest.spec.io.outputs });
    const otherVersion = await use.modelVersionReady(baseUrl, manifest.name, 'v0');
    expect(otherVersion).toEqual({ status: 404, error: `No version "v0" of model "${manifest.name}"; this server serves version "${manifest.version}".` });
  }, 120_000);
});

interface UseModule {
  scoreOne(baseUrl: string, token: string, customer: Record<string, number | string>): Promise<{ status: number; model?: { name: string; version: string }; ltv?: number; problem?: unknown }>;
  inferByVersion(baseUrl: string, token: string, name: string, version: string, input: string, width: number): Promise<{ status: number; version?: string; outputs?: string[] }>;
  modelVersionReady(baseUrl: string, name: string, version: string): Promise<{ status: number; error?: string }>;
  ltvByHand(baseUrl: string, token: string, customer: Record<string, number | string>): Promise<{ ok: boolean; value: number }>;
  encodedWidth: number;
}

/** What a caller writes against the generated types: typed paths, bodies, answers and problems. */
const USE_SOURCE = `
import createClient from 'openapi-fetch';
import type { components, paths } from './ltv-api.js';
import type { ScoreResponseWithErrors } from '${root}src/schemas/score.js';
import { type CustomerInput, LtvClient } from '${root}src/client/ltv-client.js';

type Schemas = components['schemas'];

// src/client/ltv-client.ts against the generated types: the same response, both ways,
// and every customer the document allows is one LtvClient takes.
export const toGenerated = (response: ScoreResponseWithErrors): Schemas['ScoreResponse'] => response;
export const fromGenerated = (response: Schemas['ScoreResponse']): ScoreResponseWithErrors => response;
export const asInput = (customer: Schemas['Customer']): CustomerInput => customer;

export function ltvByHand(baseUrl: string, token: string, customer: Schemas['Customer']) {
  return new LtvClient({ baseUrl, token }).ltv(asInput(customer), 10_000, -1);
}

export const encodedWidth = ${JSON.stringify(manifest.spec.features.reduce((n, f) => n + (f.type === 'numeric' ? 1 : f.levels.length), 0))};

export async function scoreOne(baseUrl: string, token: string, customer: Schemas['Customer']) {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${token}\` } });
  const { data, error, response } = await client.POST('/v1/score', { body: { customer } });
  if (data === undefined) return { status: response.status, problem: error };
  const [first] = data.predictions;
  return { status: response.status, model: data.model, ltv: first !== undefined && 'ltv' in first ? first.ltv : undefined };
}

export async function inferByVersion(baseUrl: string, token: string, name: string, version: string, input: string, width: number) {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${token}\` } });
  const { data, response } = await client.POST('/v2/models/{model_name}/versions/{model_version}/infer', {
    params: { path: { model_name: name, model_version: version } },
    body: { inputs: [{ name: input, datatype: 'FP32', shape: [1, width], data: new Array<null>(width).fill(null) }] },
  });
  return { status: response.status, version: data?.model_version, outputs: data?.outputs.map((o) => o.name) };
}

export async function modelVersionReady(baseUrl: string, name: string, version: string) {
  const client = createClient<paths>({ baseUrl });
  const { error, response } = await client.GET('/v2/models/{model_name}/versions/{model_version}/ready', { params: { path: { model_name: name, model_version: version } } });
  // The Open Inference Protocol's error member, typed by the document (a 503 answers { ready: false } instead).
  return { status: response.status, error: error !== undefined && 'error' in error ? error.error : undefined };
}
`;

/** Mistakes the generated types catch: a string for a numeric feature, a method the path lacks, a path parameter left out. */
const numericFeature = manifest.spec.features.find((f) => f.type === 'numeric')!.name;
const MISUSE_SOURCE = `
import createClient from 'openapi-fetch';
import type { paths } from './ltv-api.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8787' });
export const inputs = [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [0] }];
export const a = client.POST('/v1/score', { body: { customer: { ${numericFeature}: 'a lot' } } });
export const b = client.GET('/v1/score');
export const c = client.POST('/v2/models/{model_name}/versions/{model_version}/infer', { params: { path: { model_name: 'ltv' } }, body: { inputs } });
`;

/**
 * Type errors of `files` (in the client's directory), compiled strictly. With the worker's
 * runtime types, as src/tsconfig.json has them: the files import src/client, whose schema
 * types reach src/config.ts and its Env.
 */
function compileErrors(files: string[]): string[] {
  const program = ts.createProgram(
    [...files.map((file) => join(dir, file)), join(root, 'worker-configuration.d.ts')],
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts'],
      types: [],
      skipLibCheck: true,
      noUncheckedIndexedAccess: true,
    },
  );
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => {
      const where = d.file === undefined ? '' : `${d.file.fileName.replace(dir, '<tmp>')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `;
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
