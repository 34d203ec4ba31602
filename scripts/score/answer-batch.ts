/**
 * A batch's graph outputs → the answer columns of the scored table: the head's
 * values per customer (src/head/answers.ts, the worker's own), as FLOAT columns, and
 * the tier as a code into TIERS.
 */
import { type GraphOutputs, type Tier, predictedValues, tierOf } from '../../src/head/answers.js';
import type { ModelManifest } from '../../src/spec/manifest.js';

/** Tier names by code. */
export const TIERS: readonly Tier[] = ['low', 'medium', 'high'];

/** The FLOAT answer columns of a model, in output order (src/head/answers.ts's fields). */
export function answerColumns(manifest: ModelManifest): (keyof ReturnType<typeof predictedValues>)[] {
  return manifest.head === 'ziln' ? ['ltv', 'p_purchase', 'ltv_p10', 'ltv_p50', 'ltv_p90'] : ['ltv'];
}

export interface AnswerBatch {
  /** One column per answerColumns(manifest), `count` values each. */
  values: Float32Array[];
  /** Index into TIERS per row; undefined when the model has no tiers. */
  tiers: Uint8Array | undefined;
}

export function answerBatch(manifest: ModelManifest, outputs: GraphOutputs, count: number): AnswerBatch {
  const names = answerColumns(manifest);
  const values = names.map(() => new Float32Array(count));
  const thresholds = manifest.spec.tiers?.thresholds;
  const tiers = thresholds === undefined ? undefined : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = predictedValues(manifest.head, outputs, i);
    for (let k = 0; k < names.length; k++) values[k]![i] = v[names[k]!]!;
    if (tiers !== undefined) tiers[i] = TIERS.indexOf(tierOf(v.ltv, thresholds!));
  }
  return { values, tiers };
}
