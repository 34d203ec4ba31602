/**
 * `ltv.json`: the feature spec plus what identifies and qualifies one trained model.
 * Written by the trainer beside `ltv.onnx`, bundled into the worker, served by `GET /v1/model`.
 */
import { MEMBER_PARAMETER_OUTPUTS, ZILN_MEMBER_OUTPUTS, ZILN_OUTPUTS } from '../head/ziln.js';
import { type FeatureSpec, SPEC_FORMAT, encodedWidth } from './feature-spec.js';

export const MANIFEST_FORMAT = 'ltv-edge/model@1';

export type HyperValue = number | string | boolean | number[];

/**
 * The network's output head. 'mse': one output, the LTV. 'ziln': a zero-inflated
 * lognormal, whose graph outputs ltv, p_purchase, mu and sigma (src/head/ziln.ts).
 */
export type HeadKind = 'mse' | 'ziln';

export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  /** Model name as served by the OIP routes (`/v2/models/{name}`). */
  name: string;
  /** Output head; absent in manifests written before it existed, which are all 'mse'. */
  head?: HeadKind;
  /** Content hash: the first 16 hex digits of SHA-256 over the ONNX bytes and the spec. */
  version: string;
  /** SHA-256 (hex) of `ltv.onnx`, checked by the worker before it loads the graph. */
  onnxSha256: string;
  /** ISO 8601 time of export. */
  createdAt: string;
  trainingData: { sha256: string; rows: number; source: string };
  hyperparameters: Record<string, HyperValue>;
  /** Test-split metrics of this model (MSE, RMSE, MAE, R², Gini, …). */
  metrics: Record<string, number>;
  spec: FeatureSpec;
}

/** A manifest that does not hold together, with the JSON path of the first problem. */
export class ManifestError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path || '/'}: ${detail}`);
    this.name = 'ManifestError';
  }
}

/**
 * Checks the shape of a parsed `ltv.json` so that the worker refuses a broken
 * model at load instead of answering garbage later. Throws ManifestError.
 */
export function parseManifest(json: unknown): ModelManifest {
  const m = object(json, '');
  expect(m.format === MANIFEST_FORMAT, '/format', `expected "${MANIFEST_FORMAT}", got ${JSON.stringify(m.format)}`);
  string(m.name, '/name');
  string(m.version, '/version');
  expect(typeof m.onnxSha256 === 'string' && /^[0-9a-f]{64}$/.test(m.onnxSha256), '/onnxSha256', 'expected 64 hex digits');
  const spec = object(m.spec, '/spec');
  expect(spec.format === SPEC_FORMAT, '/spec/format', `expected "${SPEC_FORMAT}"`);
  expect(Array.isArray(spec.features) && spec.features.length > 0, '/spec/features', 'expected a non-empty array');
  const names = new Set<string>();
  (spec.features as unknown[]).forEach((raw, i) => {
    const at = `/spec/features/${i}`;
    const f = object(raw, at);
    string(f.name, `${at}/name`);
    expect(!names.has(f.name as string), `${at}/name`, `duplicate feature ${JSON.stringify(f.name)}`);
    names.add(f.name as string);
    expect(typeof f.optional === 'boolean', `${at}/optional`, 'expected a boolean');
    if (f.type === 'numeric') {
      transform(f.transform, `${at}/transform`);
    } else if (f.type === 'categorical') {
      expect(Array.isArray(f.levels) && f.levels.every((l) => typeof l === 'string'), `${at}/levels`, 'expected an array of strings');
      expect(Array.isArray(f.transforms) && f.transforms.length === (f.levels as unknown[]).length, `${at}/transforms`, 'expected one transform per level');
      (f.transforms as unknown[]).forEach((t, j) => transform(t, `${at}/transforms/${j}`));
    } else {
      throw new ManifestError(`${at}/type`, `expected "numeric" or "categorical", got ${JSON.stringify(f.type)}`);
    }
  });
  const target = object(spec.target, '/spec/target');
  string(target.name, '/spec/target/name');
  finite(target.mean, '/spec/target/mean');
  finite(target.std, '/spec/target/std');
  const io = object(spec.io, '/spec/io');
  string(io.input, '/spec/io/input');
  expect(Array.isArray(io.outputs) && io.outputs.length > 0 && io.outputs.every((o) => typeof o === 'string'), '/spec/io/outputs', 'expected a non-empty array of strings');
  expect(encodedWidth(spec as unknown as FeatureSpec) > 0, '/spec/features', 'encodes to zero columns');
  const members = spec.members === undefined ? 1 : checkMembers(spec.members);
  checkHead(m.head, target.ziln, io.outputs as string[], members);
  checkWidths(io.widths, io.outputs as string[], m.head === 'ziln' ? members : 1);
  if (spec.calibration !== undefined) checkCalibration(spec.calibration);
  if (spec.tiers !== undefined) {
    const tiers = object(spec.tiers, '/spec/tiers');
    for (const key of ['quantiles', 'thresholds'] as const) {
      const pair = tiers[key];
      expect(Array.isArray(pair) && pair.length === 2 && pair.every((v) => typeof v === 'number' && Number.isFinite(v)) && pair[0] <= pair[1], `/spec/tiers/${key}`, 'expected two ascending finite numbers');
    }
  }
  return json as ModelManifest;
}

/** The head, the ZILN parameters in the target and the graph outputs must agree. */
function checkHead(head: unknown, ziln: unknown, outputs: string[], members: number): void {
  expect(head === undefined || head === 'mse' || head === 'ziln', '/head', `expected "mse" or "ziln", got ${JSON.stringify(head)}`);
  if (head !== 'ziln') {
    expect(ziln === undefined, '/spec/target/ziln', 'present, but the head is not "ziln"');
    return;
  }
  const z = object(ziln, '/spec/target/ziln');
  for (const key of ['muShift', 'muScale', 'muMin', 'muMax', 'sigmaFloor', 'sigmaMax'] as const) finite(z[key], `/spec/target/ziln/${key}`);
  expect((z.muMin as number) <= (z.muMax as number), '/spec/target/ziln', 'muMin is greater than muMax');
  expect((z.sigmaFloor as number) > 0 && (z.sigmaFloor as number) < (z.sigmaMax as number), '/spec/target/ziln', 'expected 0 < sigmaFloor < sigmaMax');
  const expected = members === 1 ? ZILN_OUTPUTS : ZILN_MEMBER_OUTPUTS;
  expect(
    JSON.stringify(outputs) === JSON.stringify(expected),
    '/spec/io/outputs',
    `a ZILN model${members === 1 ? '' : ` of ${members} members`} outputs ${JSON.stringify(expected)}, got ${JSON.stringify(outputs)}`,
  );
}

/** A member count ≥ 2 with one seed per member. Returns the count. */
function checkMembers(raw: unknown): number {
  const members = object(raw, '/spec/members');
  const count = members.count;
  expect(typeof count === 'number' && Number.isInteger(count) && count >= 2, '/spec/members/count', `expected an integer ≥ 2, got ${JSON.stringify(count)}`);
  expect(Array.isArray(members.seeds) && members.seeds.length === count && members.seeds.every(Number.isInteger), '/spec/members/seeds', `expected ${count} integer seeds`);
  expect(members.rows === 'folds' || members.rows === 'bootstrap', '/spec/members/rows', `expected "folds" or "bootstrap", got ${JSON.stringify(members.rows)}`);
  return count as number;
}

/** Only a ZILN graph of several members has wider outputs: its member_* ones, one column per member. */
function checkWidths(raw: unknown, outputs: string[], members: number): void {
  const wide: Record<string, number> = members === 1 ? {} : Object.fromEntries(MEMBER_PARAMETER_OUTPUTS.map((name) => [name, members]));
  const widths = raw === undefined ? {} : object(raw, '/spec/io/widths');
  for (const name of new Set([...Object.keys(widths), ...Object.keys(wide)])) {
    expect(outputs.includes(name), `/spec/io/widths/${name}`, 'not an output of the graph');
    expect(widths[name] === wide[name], `/spec/io/widths/${name}`, `expected ${wide[name] ?? 'no entry (one column)'}, got ${JSON.stringify(widths[name])}`);
  }
}

/** Knots ascending from 0, every slope > 0 (a strictly increasing map), a positive floor: what keeps the served ranking and every value finite. */
function checkCalibration(raw: unknown): void {
  const c = object(raw, '/spec/calibration');
  expect(c.method === 'isotonic-bins', '/spec/calibration/method', `expected "isotonic-bins", got ${JSON.stringify(c.method)}`);
  finite(c.intercept, '/spec/calibration/intercept');
  expect((c.intercept as number) >= 0, '/spec/calibration/intercept', 'expected a number ≥ 0');
  finite(c.floor, '/spec/calibration/floor');
  expect((c.floor as number) > 0, '/spec/calibration/floor', 'expected a number > 0');
  const { knots, slopes } = c;
  expect(Array.isArray(knots) && knots.length > 0 && knots.every((k) => typeof k === 'number' && Number.isFinite(k)), '/spec/calibration/knots', 'expected a non-empty array of finite numbers');
  expect(Array.isArray(slopes) && slopes.length === (knots as unknown[]).length, '/spec/calibration/slopes', 'expected one slope per knot');
  const k = knots as number[];
  expect(k[0] === 0 && k.every((x, i) => i === 0 || x > k[i - 1]!), '/spec/calibration/knots', 'expected strictly ascending knots from 0');
  (slopes as unknown[]).forEach((slope, i) => {
    expect(typeof slope === 'number' && Number.isFinite(slope) && slope > 0, `/spec/calibration/slopes/${i}`, `expected a finite number > 0 (the map must keep the ranking), got ${JSON.stringify(slope)}`);
  });
}

function transform(raw: unknown, at: string): void {
  const t = object(raw, at);
  for (const key of ['impute', 'min', 'max', 'mean', 'std'] as const) finite(t[key], `${at}/${key}`);
  expect((t.min as number) <= (t.max as number), at, 'min is greater than max');
  expect((t.std as number) > 0, `${at}/std`, 'expected a positive number');
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestError(at, 'expected an object');
  return value as Record<string, unknown>;
}
function string(value: unknown, at: string): void {
  expect(typeof value === 'string' && value.length > 0, at, 'expected a non-empty string');
}
function finite(value: unknown, at: string): void {
  expect(typeof value === 'number' && Number.isFinite(value), at, `expected a finite number, got ${JSON.stringify(value)}`);
}
function expect(ok: boolean, at: string, detail: string): void {
  if (!ok) throw new ManifestError(at, detail);
}
