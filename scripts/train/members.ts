/**
 * Which rows and which seed each member network of an ensemble trains with.
 *
 * The training split is cut once, by a seeded shuffle, into F = 1 / validationFraction
 * folds (10 by default; one per row for a split of fewer rows). Member k validates (early stopping, learning-rate decay) on
 * fold k mod F and trains on the other folds, or, with `bootstrap`, on a resample
 * with replacement of them. So every member trains on as many rows as a single
 * network does, the members differ in their seeds and their held-out fold, and the
 * rows of the first min(K, F) folds each have a member that never trained on them:
 * those out-of-fold predictions are what the calibration is fitted on.
 *
 * Everything is drawn from one Rng in a fixed order, members one after the other,
 * so the first K members of a larger ensemble are exactly the members of a K
 * ensemble with the same seed.
 */
import { Rng } from '../math/rng.js';

export type MemberRows = 'folds' | 'bootstrap';

export interface MemberPlan {
  /** Seed of the member's initialisation, shuffling and dropout. */
  seed: number;
  /** Indices into the split; repeated rows with `bootstrap`. */
  train: Uint32Array;
  /** Indices into the split, ascending: the member's validation fold. */
  validation: Uint32Array;
  fold: number;
}

/**
 * How members' validation folds are chosen: 'rotate' (member k holds out fold k mod F,
 * the default) or 'shared' (every member holds out fold 0, so the calibration sees
 * the ensemble's own predictions, on a tenth of the rows).
 */
export type ValidationFolds = 'rotate' | 'shared';

/** Plans for `count` members over a split of `rows` rows. */
export function memberPlans(
  rows: number,
  count: number,
  seed: number,
  validationFraction: number,
  memberRows: MemberRows,
  validationFolds: ValidationFolds = 'rotate',
): MemberPlan[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`members must be a positive integer, got ${count}`);
  if (rows < 2) throw new Error(`a training split of ${rows} row${rows === 1 ? '' : 's'} leaves none for training after holding one out for validation`);
  const root = new Rng(seed);
  // A table of fewer rows than folds gets one fold per row, so each fold holds at least one.
  const folds = foldsOf(rows, Math.min(rows, Math.max(2, Math.round(1 / validationFraction))), root.fork());
  return Array.from({ length: count }, (_, k) => {
    const rng = root.fork();
    const memberSeed = Math.floor(rng.next() * 4294967296);
    const fold = validationFolds === 'shared' ? 0 : k % folds.length;
    const validation = folds[fold]!;
    const rest = complement(rows, validation);
    const train = memberRows === 'bootstrap' ? Uint32Array.from(rest, () => rest[rng.int(rest.length)]!) : rest;
    return { seed: memberSeed, train, validation, fold };
  });
}

/** A seeded shuffle of 0..rows−1 cut into `count` folds of near-equal size, each ascending. */
function foldsOf(rows: number, count: number, rng: Rng): Uint32Array[] {
  const order = rng.shuffle(Uint32Array.from({ length: rows }, (_, i) => i));
  return Array.from({ length: count }, (_, f) => order.slice(Math.floor((f * rows) / count), Math.floor(((f + 1) * rows) / count)).sort());
}

/** 0..rows−1 without the ascending `taken`. */
function complement(rows: number, taken: Uint32Array): Uint32Array {
  const out = new Uint32Array(rows - taken.length);
  let t = 0;
  let o = 0;
  for (let row = 0; row < rows; row++) {
    if (t < taken.length && taken[t] === row) t++;
    else out[o++] = row;
  }
  return out;
}
