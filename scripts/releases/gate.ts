/**
 * The promotion gate: a candidate replaces the served model only if it is not worse
 * beyond a stated tolerance on the same evaluation rows, and requests that the
 * served model accepts stay valid (or the caller allows a spec change).
 */
import type { FeatureSpec } from '../../src/spec/feature-spec.js';
import type { Scores } from './evaluate.js';
import { printable, printableList } from '../data/printable.js';

/**
 * Tolerances: normalised Gini may drop by at most 0.01, decile MAPE rise by at most
 * 0.02. Both are about the run-to-run spread of one configuration over seeds (e.g.
 * Gini 0.719–0.725 on CDNOW, README), so a retrain that only re-rolls the dice passes
 * while a real regression does not.
 */
export const TOLERANCE = { normalisedGini: 0.01, decileMape: 0.02 } as const;

export interface GateResult {
  accepted: boolean;
  reasons: string[];
}

export function specChanges(current: FeatureSpec, candidate: FeatureSpec): string[] {
  const changes: string[] = [];
  const byName = new Map(candidate.features.map((f) => [f.name, f]));
  for (const feature of current.features) {
    const next = byName.get(feature.name);
    const name = printable(feature.name);
    if (next === undefined) changes.push(`feature ${name} removed (requests sending it would be refused)`);
    else if (next.type !== feature.type) changes.push(`feature ${name} changed type ${feature.type} → ${next.type}`);
    else if (feature.optional && !next.optional) changes.push(`feature ${name} became required`);
  }
  const known = new Set(current.features.map((f) => f.name));
  for (const feature of candidate.features) {
    if (!known.has(feature.name) && !feature.optional) changes.push(`new required feature ${printable(feature.name)}`);
  }
  if (current.io.input !== candidate.io.input || current.io.outputs.join() !== candidate.io.outputs.join()) {
    changes.push(`graph I/O changed: ${printable(current.io.input)}→[${printableList(current.io.outputs)}] became ${printable(candidate.io.input)}→[${printableList(candidate.io.outputs)}]`);
  }
  if (current.target.name !== candidate.target.name || current.target.unit !== candidate.target.unit) {
    changes.push(`target changed: ${printable(current.target.name)} (${printable(current.target.unit)}) → ${printable(candidate.target.name)} (${printable(candidate.target.unit)})`);
  }
  return changes;
}

/**
 * Accepts the candidate or says why not. A comparison with NaN is false, so a candidate
 * whose scores or training metrics are not finite numbers would pass every tolerance:
 * it is refused first, by name. (`candidateMetrics`: ltv.json's `metrics`, where a NaN
 * was written as null.) The served model's scores may be anything: a broken served
 * model is no reason to keep it.
 */
export function gate(
  current: Scores,
  candidate: Scores,
  changes: readonly string[],
  allowSpecChange: boolean,
  candidateMetrics: Readonly<Record<string, unknown>> = {},
): GateResult {
  const reasons: string[] = [];
  const notFinite = (entries: [string, unknown][]) => entries.filter(([, value]) => typeof value !== 'number' || !Number.isFinite(value)).map(([name, value]) => `${printable(name)} ${String(value)}`);
  const badScores = notFinite(Object.entries(candidate));
  if (badScores.length > 0) reasons.push(`the candidate's scores on the evaluation rows are not finite numbers (${badScores.join(', ')})`);
  const badMetrics = notFinite(Object.entries(candidateMetrics));
  if (badMetrics.length > 0) reasons.push(`the candidate's test metrics in ltv.json are not finite numbers (${badMetrics.join(', ')})`);
  const giniDrop = current.normalisedGini - candidate.normalisedGini;
  if (giniDrop > TOLERANCE.normalisedGini) {
    reasons.push(`normalised Gini drops by ${giniDrop.toFixed(4)} (tolerance ${TOLERANCE.normalisedGini})`);
  }
  const mapeRise = candidate.decileMape - current.decileMape;
  if (mapeRise > TOLERANCE.decileMape) {
    reasons.push(`decile MAPE rises by ${mapeRise.toFixed(4)} (tolerance ${TOLERANCE.decileMape})`);
  }
  if (changes.length > 0 && !allowSpecChange) {
    reasons.push(`the feature spec changes incompatibly (${changes.join('; ')}); pass --allow-spec-change if clients are ready`);
  }
  return { accepted: reasons.length === 0, reasons };
}
