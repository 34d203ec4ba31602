/**
 * What one training run reports (report.json, the summary on stdout, report.html):
 * defined here, where it is read, so the report code depends on the trainer's
 * result only through this shape.
 */
import type { PreparedData } from '../data/prepare.js';
import type { CrossValidation } from '../evaluate/cross-validate.js';
import type { Evaluation } from '../evaluate/evaluate.js';
import type { Metrics } from '../evaluate/metrics.js';
import type { FitResult } from '../mlp/fit.js';

/** The parts of a model scored on their own: the first member alone, the members' average, the served model (the average, calibrated). */
export type ModelVariant = 'single' | 'members' | 'served';

export interface MemberReport {
  seed: number;
  /** The validation fold it held out. */
  fold: number;
  bestEpoch: number;
  epochs: number;
  stoppedEarly: boolean;
}

export interface TrainReport {
  data: PreparedData['report'];
  warnings: string[];
  /** The first member's fit (the only one for a single network), the wall time of all, and each member's. */
  training: Pick<FitResult, 'bestEpoch' | 'stoppedEarly' | 'samplesPerSecond' | 'history'> & { seconds: number; members: MemberReport[] };
  /** Test-split metrics of the model and of the baselines on the same rows. */
  test: { model: Metrics; mean: Metrics; ridge: Metrics; pastSpend?: Metrics };
  /**
   * What each part of the model contributes, on the same test rows: the first member
   * alone, the members' average, and the served model (the average, calibrated).
   * Present when the model has several members or a calibration.
   */
  variants?: Partial<Record<ModelVariant, Metrics>>;
  /** The calibration's fit on its held-out rows: their number, and calibration in the large before and after. */
  calibration?: { rows: number; bins: number; before: number; after: number };
  /** The same with Gini intervals and a verdict per baseline (scripts/evaluate/evaluate.ts). */
  evaluation: Evaluation;
  /** Present with `--cv K`. */
  crossValidation?: CrossValidation;
}
