/**
 * The network and optimiser options that `npm run train` and `npm run compare:losses`
 * share: their names, defaults and ranges in one place, so the two commands cannot drift.
 */
import type { FitOptions } from '../mlp/fit.js';
import { DEFAULT_DROPOUT } from '../train/train-model.js';
import { intListOption, intOption, kernelsOption, numberOption } from './args.js';

export const FIT_OPTION_NAMES = ['hidden', 'epochs', 'batch-size', 'lr', 'dropout', 'l2', 'patience', 'kernels'] as const;

/** Reads the options of FIT_OPTION_NAMES from parseArgs values (the seed is each command's own). */
export function fitOptions(v: Readonly<Record<string, string | undefined>>): FitOptions {
  return {
    hidden: intListOption('hidden', v.hidden, [500, 100]),
    epochs: intOption('epochs', v.epochs, 100, 1),
    batchSize: intOption('batch-size', v['batch-size'], 256, 1),
    lr: numberOption('lr', v.lr, 1e-3, 0),
    dropout: numberOption('dropout', v.dropout, DEFAULT_DROPOUT, 0, 0.99),
    l2: numberOption('l2', v.l2, 0, 0),
    patience: intOption('patience', v.patience, 10, 1),
    kernels: kernelsOption(v.kernels),
  };
}
