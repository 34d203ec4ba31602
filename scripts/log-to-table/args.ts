/**
 * The command line of `npm run table-from-log` (and the features half of `npm run pipeline`)
 * → FeaturesConfig. Every option is described in README, "From a transaction log".
 */
import { parseArgs } from 'node:util';
import { UsageError, intOption, listOption } from '../cli/args.js';
import { type FeaturesConfig, type InputFormat, type WindowMode, formatFromName } from './config.js';

export const FEATURE_OPTIONS = [
  'transactions', 'transactions-glob', 'out', 'format', 'delimiter', 'date-format',
  'customer', 'date', 'amount', 'quantity', 'unit-price', 'order', 'product', 'attribute',
  'calibration-start', 'calibration-end', 'holdout-end', 'first-purchase-days', 'horizon-days', 'target-name',
] as const;

export type FeatureOptionValues = Partial<Record<(typeof FEATURE_OPTIONS)[number], string | string[]>>;

export function parseFeaturesArgs(argv: string[]): FeaturesConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(FEATURE_OPTIONS.map((name) => [name, { type: 'string' as const, multiple: name === 'attribute' }])),
  });
  return featuresConfig(values as FeatureOptionValues);
}

export function featuresConfig(v: FeatureOptionValues): FeaturesConfig {
  const one = (name: (typeof FEATURE_OPTIONS)[number]): string | undefined => {
    const value = v[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const file = one('transactions');
  const pattern = one('transactions-glob');
  const out = one('out');
  if (file !== undefined && pattern !== undefined) throw new UsageError('give --transactions FILE or --transactions-glob PATTERN, not both');
  const transactions = file ?? pattern;
  if (!transactions) throw new UsageError('--transactions FILE is required (a CSV, CSV.gz or Parquet transaction log; --transactions-glob PATTERN reads several)');
  if (!out) throw new UsageError('--out FILE.csv is required (where the per-customer table goes)');

  const format = one('format') ?? formatFromName(transactions);
  if (!['csv', 'parquet', 'whitespace'].includes(format)) throw new UsageError(`--format: expected csv, parquet or whitespace, got "${format}"`);
  if (pattern !== undefined && format === 'whitespace') throw new UsageError('--transactions-glob reads CSV or Parquet files; give one whitespace-separated file with --transactions');

  const amount = one('amount');
  const quantity = one('quantity');
  const unitPrice = one('unit-price');
  if (unitPrice !== undefined && quantity === undefined) throw new UsageError('--unit-price needs --quantity (amount = quantity × unit price)');
  if (amount !== undefined && unitPrice !== undefined) throw new UsageError('give --amount or --quantity with --unit-price, not both');

  return {
    transactions,
    ...(pattern === undefined ? {} : { glob: true }),
    out,
    format: format as InputFormat,
    delimiter: one('delimiter'),
    dateFormat: one('date-format'),
    columns: {
      customer: one('customer') ?? 'customer_id',
      date: one('date') ?? 'date',
      amount: amount ?? (unitPrice === undefined ? 'amount' : undefined),
      quantity,
      unitPrice,
      order: one('order'),
      product: one('product'),
      attributes: (Array.isArray(v.attribute) ? v.attribute : listOption(v.attribute) ?? []).flatMap((a) => listOption(a) ?? []),
    },
    window: windowMode(v, one),
    targetName: one('target-name') ?? 'target_spend',
  };
}

function windowMode(v: FeatureOptionValues, one: (name: (typeof FEATURE_OPTIONS)[number]) => string | undefined): WindowMode {
  const calibrationStart = isoDate('calibration-start', one('calibration-start'));
  const calibrationEnd = isoDate('calibration-end', one('calibration-end'));
  const holdoutEnd = isoDate('holdout-end', one('holdout-end'));
  const firstDays = one('first-purchase-days');
  const horizon = one('horizon-days');
  if (firstDays !== undefined || horizon !== undefined) {
    if (firstDays === undefined || horizon === undefined) throw new UsageError('new-customer mode needs both --first-purchase-days N and --horizon-days H');
    if (calibrationEnd !== undefined || holdoutEnd !== undefined) throw new UsageError('--calibration-end/--holdout-end and --first-purchase-days/--horizon-days are two different modes: give one');
    return { kind: 'new-customer', firstPurchaseDays: intOption('first-purchase-days', firstDays, 0, 1), horizonDays: intOption('horizon-days', horizon, 0, 1), calibrationStart };
  }
  if (calibrationEnd === undefined) throw new UsageError('--calibration-end YYYY-MM-DD is required (or --first-purchase-days N --horizon-days H for new customers)');
  if (calibrationStart !== undefined && calibrationStart > calibrationEnd) throw new UsageError(`--calibration-start ${calibrationStart} is after --calibration-end ${calibrationEnd}`);
  if (holdoutEnd !== undefined && calibrationEnd >= holdoutEnd) throw new UsageError(`--calibration-end ${calibrationEnd} must be before --holdout-end ${holdoutEnd}`);
  return { kind: 'calibration', calibrationStart, calibrationEnd, holdoutEnd };
}

function isoDate(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T00:00:00Z`) : undefined;
  if (parsed === undefined || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== raw) {
    throw new UsageError(`--${name}: expected a date YYYY-MM-DD, got "${raw}"`);
  }
  return raw;
}
