/**
 * The network and optimiser options that `npm run train` and `npm run compare:losses`
 * share: their names, defaults and ranges in one place, so the two commands cannot drift.
 */
import type { FitOptions } from '../mlp/fit.js';
import { FIT_DEFAULTS } from '../mlp/fit-defaults.js';
import { intListOption, intOption, kernelsOption, numberOption } from './args.js';

export const FIT_OPTION_NAMES = ['hidden', 'epochs', 'batch-size', 'lr', 'dropout', 'l2', 'patience', 'kernels'] as const;

/** Reads the options of FIT_OPTION_NAMES from parseArgs values (the seed is each command's own). */
export function fitOptions(v: Readonly<Record<string, string | undefined>>): FitOptions {
  return {
    hidden: intListOption('hidden', v.hidden, [...FIT_DEFAULTS.hidden]),
    epochs: intOption('epochs', v.epochs, FIT_DEFAULTS.epochs, 1),
    batchSize: intOption('batch-size', v['batch-size'], FIT_DEFAULTS.batchSize, 1),
    lr: numberOption('lr', v.lr, FIT_DEFAULTS.lr, 0),
    dropout: numberOption('dropout', v.dropout, FIT_DEFAULTS.dropout, 0, 0.99),
    l2: numberOption('l2', v.l2, FIT_DEFAULTS.l2, 0),
    patience: intOption('patience', v.patience, FIT_DEFAULTS.patience, 1),
    kernels: kernelsOption(v.kernels),
  };
}
