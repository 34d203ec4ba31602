/**
 * The ensemble's defaults, beside each network's (FIT_DEFAULTS, scripts/mlp/fit-defaults.ts):
 * read by the trainer, `npm run train`, the loss comparison and the model card.
 */
import type { MemberRows, ValidationFolds } from './members.js';

/**
 * How many networks the exported graph averages, on which rows each trains, and
 * whether the average is calibrated on the rows each held out
 * (scripts/train/fit-model.ts; the measurements behind each choice: docs/training.md).
 */
export const ENSEMBLE_DEFAULTS = {
  members: 5,
  memberRows: 'folds' as MemberRows,
  validationFolds: 'rotate' as ValidationFolds,
  calibration: true as boolean,
} as const;
