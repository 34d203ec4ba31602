/**
 * Reference predictions: records built from the served model's own spec, scored in
 * Node by onnxruntime-node on the same ltv.onnx (test/src/global-setup.ts) and
 * handed to the workerd tests, which must reproduce them through the worker.
 */
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import { MISSING_LEVEL, OTHER_LEVEL } from '../../src/spec/feature-spec.js';

export interface ReferenceCase {
  name: string;
  record: Record<string, number | string>;
  /** Features the encoder reports as imputed. */
  imputed: string[];
  /** The encoded row, NaN written as null (JSON and OIP's "missing"). */
  row: (number | null)[];
  /** onnxruntime-node's LTV for the row (float32, as a double). */
  ltv: number;
  /** Every graph output for the row by name, `ltv` included: one value, or one per member for a member output. */
  outputs: Record<string, number[]>;
  /**
   * The same outputs through the trainer's own arithmetic (scripts/onnx/reference.ts)
   * on the weights read back from the graph: the members' average and the
   * calibration as the trainer computes them.
   */
  trainer: Record<string, number[]>;
}

export interface Reference {
  /** Model name (the OIP path segment), version, and the graph's input and LTV output. */
  name: string;
  version: string;
  input: string;
  output: string;
  /** Every graph output, in order. */
  outputs: string[];
  /** Columns of each output (1, or the member count for a member output). */
  widths: Record<string, number>;
  width: number;
  cases: ReferenceCase[];
}

/** A small trained model with one head, and onnxruntime-node's outputs for its reference records. */
export interface HeadFixture {
  /** The parsed ltv.json. */
  manifest: unknown;
  /** ltv.onnx, base64 (provided values must be JSON). */
  onnxBase64: string;
  cases: ReferenceCase[];
}

declare module 'vitest' {
  interface ProvidedContext {
    ltvReference: Reference;
    /** mse: MSE head, default members; ziln: one ZILN network, uncalibrated (a manifest as written before members); zilnMembers: 3 calibrated ZILN members. */
    headFixtures: { mse: HeadFixture; ziln: HeadFixture; zilnMembers: HeadFixture };
  }
}

/** Allowed difference between onnxruntime-web in workerd and onnxruntime-node: 1e-5 relative. */
export function closeTo(actual: number, expected: number, rtol = 1e-5, atol = 1e-6): boolean {
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/**
 * Named records that reach every kind of value, plus `seeded` pseudo-random ones
 * within the training ranges. Only the spec decides names and values, so the
 * tests follow whatever model is in model/.
 */
export function referenceRecords(spec: FeatureSpec, seeded = 24): { name: string; record: Record<string, number | string> }[] {
  const levels = (f: { levels: string[] }) => f.levels.filter((l) => l !== OTHER_LEVEL && l !== MISSING_LEVEL);
  const build = (numeric: (t: { min: number; max: number; mean: number; std: number; impute: number }) => number, level: (seen: string[]) => string | undefined, keep: (optional: boolean) => boolean = () => true) => {
    const record: Record<string, number | string> = {};
    for (const feature of spec.features) {
      if (!keep(feature.optional)) continue;
      if (feature.type === 'numeric') record[feature.name] = numeric(feature.transform);
      else record[feature.name] = level(levels(feature)) ?? 'unseen-level';
    }
    return record;
  };
  const cases = [
    { name: 'typical: every feature at its training mean', record: build((t) => t.mean, (seen) => seen[0]) },
    { name: 'sparse: required features only, the rest imputed', record: build((t) => t.max, (seen) => seen.at(-1), (optional) => !optional) },
    { name: 'unseen levels and low values', record: build((t) => t.min, () => 'a level never seen in training') },
    { name: 'extreme values, clipped by the graph', record: build((t) => t.mean + 1000 * t.std, (seen) => seen.at(-1)) },
  ];
  let state = 12345;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let k = 0; k < seeded; k++) {
    cases.push({
      name: `seeded ${k}`,
      record: build(
        (t) => Math.fround(t.min + next() * (t.max - t.min)),
        (seen) => (next() < 0.1 ? undefined : seen[Math.floor(next() * seen.length)]),
        (optional) => !optional || next() > 0.15,
      ),
    });
  }
  return cases;
}
