/**
 * A synthetic customer table, written by this project from the process below (no
 * real customer is in it), for tests, demos and a training run without real data.
 * Same seed and row count, same bytes.
 *
 * ## The generative process
 * Time is in weeks; the calibration window ends at the cutoff, and the target is
 * the spend in the HORIZON_WEEKS (26) weeks after it. For each customer:
 *
 * 1. Acquisition. A channel from CHANNELS and a country from COUNTRIES (28 of them,
 *    long-tailed, so that a top-20 vocabulary leaves some in OTHER); an age T of
 *    14 to 364 days before the cutoff, uniform.
 * 2. Latent traits. Purchase rate λ ~ Gamma(shape 0.9, mean 0.11 · channel rate)
 *    purchase days per week; churn probability after each purchase day
 *    p ~ Beta(1.2, 3.5); spend level μ ~ Normal(3.0 + channel shift + country shift, 0.5²).
 * 3. History. The first purchase day is the acquisition day. After each purchase day
 *    the customer churns with probability p; otherwise the next one follows after
 *    Exponential(λ) weeks (at least a day), if before the cutoff. A day's amount is
 *    exp(μ + 0.5 ε), ε ~ N(0, 1), in cents; its quantity is 1 + Poisson(amount / 35).
 * 4. Features, computed from the history as in the shared data's FEATURES.md
 *    (`x_repeat_days`, `t_x_weeks`, `T_weeks`, `weeks_since_last`, log spend
 *    statistics, quantities, `mean_interpurchase_weeks`, `days_last_13w`,
 *    `log_spend_last_13w`, `total_spend`), rounded to 6 significant digits.
 * 5. Target `ltv_26w`, drawn from the rounded features alone, so that its
 *    conditional expectation is known exactly (see expectedLtv):
 *    - typical gap g = (T_weeks + 4) / (x_repeat_days + 1), silence s = weeks_since_last / g;
 *    - P(buy again) = σ(0.2 + 0.9 ln(1 + x_repeat_days) − 1.4 s + channel effect);
 *    - if so, N = 1 + Poisson(ν) purchase days, ν = (HORIZON_WEEKS / 2) / g;
 *    - each day's amount ~ LogNormal(1 + 0.7 · log_mean_day_spend, 0.9²).
 *    So E[LTV | features] = P(buy) · (1 + ν) · exp(1 + 0.7 · log_mean_day_spend + 0.9² / 2):
 *    non-linear in recency and frequency, multiplicative in past spend.
 * 6. Defects, after the target: a few cells missing (`""`, `NA`, `NaN`, `null`
 *    in different columns, see MISSING), a few outliers (`total_spend` × 1000 in
 *    0.05 % of rows, `mean_qty_per_day` = 9999 in 0.05 %: rarer than the default
 *    0.1 % clip quantile, so clipping catches them), and 0.6 % of rows exact
 *    copies of an earlier row, id included. `customer_id` comes first, the target last.
 *
 * What a model can achieve: the Bayes-optimal predictor is expectedLtv of each
 * row's clean features. On 5,000 rows its normalised Gini against the drawn
 * targets is about 0.6 (0.57 to 0.62 over seeds 1, 2, 3, 42), while ranking by
 * past `total_spend` gives about 0.45 (0.42 to 0.48): a useful model lands in
 * between. About 65 % of targets are 0; the mean is about 34 and the 99th
 * percentile about 11 times the mean.
 */
import { DEFAULT_SEED, Rng } from '../math/rng.js';
import { formatCsvRecord } from './csv.js';
import { cumulative, draw } from './sampling.js';

export const HORIZON_WEEKS = 26;
export const TARGET = 'ltv_26w';

/** Acquisition channels: share, purchase-rate multiplier, spend-level shift, effect on P(buy again). */
export const CHANNELS = [
  { name: 'organic', share: 0.3, rate: 1.0, spend: 0, buy: 0 },
  { name: 'paid_search', share: 0.25, rate: 0.9, spend: -0.05, buy: -0.1 },
  { name: 'social', share: 0.15, rate: 0.7, spend: -0.2, buy: -0.4 },
  { name: 'email', share: 0.12, rate: 1.3, spend: 0.1, buy: 0.35 },
  { name: 'referral', share: 0.1, rate: 1.2, spend: 0.15, buy: 0.3 },
  { name: 'affiliate', share: 0.08, rate: 0.8, spend: -0.1, buy: -0.2 },
] as const;

/** Countries: name, share (normalised when drawn), spend-level shift. */
const COUNTRY_TABLE: readonly [name: string, share: number, spend: number][] = [
  ['US', 0.3, 0.1], ['GB', 0.14, 0], ['DE', 0.1, 0.05], ['FR', 0.08, 0], ['CA', 0.06, 0.05], ['AU', 0.05, 0.1],
  ['NL', 0.04, 0], ['ES', 0.03, -0.1], ['IT', 0.03, -0.05], ['SE', 0.02, 0.05], ['CH', 0.015, 0.3], ['JP', 0.015, 0.1],
  ['BR', 0.012, -0.3], ['MX', 0.01, -0.25], ['IN', 0.01, -0.4], ['PL', 0.01, -0.2], ['BE', 0.01, 0], ['AT', 0.008, 0.05],
  ['DK', 0.008, 0.1], ['NO', 0.008, 0.2], ['IE', 0.007, 0], ['PT', 0.006, -0.15], ['NZ', 0.006, 0], ['SG', 0.005, 0.2],
  ['KR', 0.005, 0], ['ZA', 0.004, -0.2], ['AR', 0.003, -0.3], ['CZ', 0.003, -0.2],
];
export const COUNTRIES = COUNTRY_TABLE.map(([name, share, spend]) => ({ name, share, spend }));

/** The columns, in file order. */
export const COLUMNS = [
  'customer_id', 'channel', 'country',
  'x_repeat_days', 't_x_weeks', 'T_weeks', 'weeks_since_last',
  'log_total_spend', 'log_mean_day_spend', 'log_max_day_spend', 'std_log_day_spend',
  'log_total_qty', 'mean_qty_per_day', 'log_first_day_spend', 'mean_interpurchase_weeks',
  'days_last_13w', 'log_spend_last_13w', 'total_spend',
  TARGET,
] as const;

/** Which cells go missing, how often and as which token. */
export const MISSING = [
  { column: 'channel', rate: 0.02, token: '' },
  { column: 'country', rate: 0.03, token: '' },
  { column: 'std_log_day_spend', rate: 0.02, token: 'NaN' },
  { column: 'mean_qty_per_day', rate: 0.015, token: '' },
  { column: 'log_max_day_spend', rate: 0.01, token: 'null' },
  { column: 'days_last_13w', rate: 0.01, token: 'NA' },
] as const;

const DUPLICATE_RATE = 0.006;
const SPEND_OUTLIER_RATE = 0.0005;
const QTY_OUTLIER_RATE = 0.0005;
const AMOUNT_LOG_SD = 0.9;

/** The features the target is drawn from; expectedLtv needs nothing else. */
export interface LtvDrivers {
  /** One of CHANNELS' names. */
  channel: string;
  x_repeat_days: number;
  T_weeks: number;
  weeks_since_last: number;
  log_mean_day_spend: number;
}

/** P(buy again in the horizon), the mean number of extra purchase days, and the log-amount mean. */
function targetModel(f: LtvDrivers): { buy: number; extraDays: number; logAmount: number } {
  const channel = CHANNELS.find((c) => c.name === f.channel);
  if (channel === undefined) throw new RangeError(`unknown channel ${JSON.stringify(f.channel)}`);
  const gap = (f.T_weeks + 4) / (f.x_repeat_days + 1);
  const silence = f.weeks_since_last / gap;
  const z = 0.2 + 0.9 * Math.log1p(f.x_repeat_days) - 1.4 * silence + channel.buy;
  return { buy: 1 / (1 + Math.exp(-z)), extraDays: HORIZON_WEEKS / 2 / gap, logAmount: 1 + 0.7 * f.log_mean_day_spend };
}

/** E[ltv_26w | features]: the Bayes-optimal prediction for a row with clean features. */
export function expectedLtv(f: LtvDrivers): number {
  const { buy, extraDays, logAmount } = targetModel(f);
  return buy * (1 + extraDays) * Math.exp(logAmount + (AMOUNT_LOG_SD * AMOUNT_LOG_SD) / 2);
}

export interface GenerateOptions {
  /** Data rows in the file, duplicates included. Default 5000. */
  rows?: number;
  /** Seed of every draw. Default DEFAULT_SEED (42). */
  seed?: number;
}

export interface GeneratedTable {
  header: string[];
  /** Cells as written, one array per data row. */
  rows: string[][];
  /** expectedLtv of each data row's clean features (a duplicate repeats its original's). */
  expected: Float64Array;
  /** 1 where the data row is an exact copy of an earlier row. */
  duplicate: Uint8Array;
}

/** Draws the table. Pure: no I/O. */
export function generateCustomers(options: GenerateOptions = {}): GeneratedTable {
  const { rows = 5000, seed = DEFAULT_SEED } = options;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const rng = new Rng(seed);
  const defects = rng.fork();
  const channelCdf = cumulative(CHANNELS.map((c) => c.share));
  const countryCdf = cumulative(COUNTRIES.map((c) => c.share));

  const out: string[][] = [];
  const expected: number[] = [];
  const duplicate: number[] = [];
  let customers = 0;
  while (out.length < rows) {
    if (out.length > 0 && defects.next() < DUPLICATE_RATE) {
      const source = defects.int(out.length);
      out.push([...out[source]!]);
      expected.push(expected[source]!);
      duplicate.push(1);
      continue;
    }
    customers++;
    const channel = CHANNELS[draw(rng, channelCdf)]!;
    const country = COUNTRIES[draw(rng, countryCdf)]!;
    const history = simulateHistory(rng, channel.rate, 3.0 + channel.spend + country.spend);
    const features = summarise(history);
    const drivers: LtvDrivers = { channel: channel.name, ...features };
    const ltv = drawTarget(rng, drivers);
    const cells: Record<string, string> = {
      customer_id: `C${String(customers).padStart(6, '0')}`,
      channel: channel.name,
      country: country.name,
      [TARGET]: ltv.toFixed(2),
    };
    for (const [name, value] of Object.entries(features)) cells[name] = String(value);
    if (defects.next() < SPEND_OUTLIER_RATE) cells.total_spend = String(round6(features.total_spend * 1000));
    if (defects.next() < QTY_OUTLIER_RATE) cells.mean_qty_per_day = '9999';
    for (const { column, rate, token } of MISSING) if (defects.next() < rate) cells[column] = token;
    out.push(COLUMNS.map((name) => cells[name]!));
    expected.push(expectedLtv(drivers));
    duplicate.push(0);
  }
  return { header: [...COLUMNS], rows: out, expected: Float64Array.from(expected), duplicate: Uint8Array.from(duplicate) };
}

/** The table as CSV text, header first, `\n` line ends. */
export function toCsv(table: Pick<GeneratedTable, 'header' | 'rows'>): string {
  return [table.header, ...table.rows].map((fields) => formatCsvRecord(fields)).join('\n') + '\n';
}

interface History {
  /** Days since acquisition of each purchase day, ascending; the first is 0. */
  days: number[];
  amounts: number[];
  quantities: number[];
  /** Days from acquisition to the cutoff. */
  ageDays: number;
}

function simulateHistory(rng: Rng, rateMultiplier: number, spendMean: number): History {
  const ageDays = 14 + rng.int(351);
  const rate = gamma(rng, 0.9) * (0.11 * rateMultiplier / 0.9);
  const churn = beta(rng, 1.2, 3.5);
  const level = spendMean + 0.5 * rng.normal();
  const days = [0];
  for (let day = 0; rng.next() >= churn;) {
    day += Math.max(1, Math.ceil((exponential(rng) / rate) * 7));
    if (!(day < ageDays)) break;
    days.push(day);
  }
  const amounts = days.map(() => Math.max(0.5, Math.round(Math.exp(level + 0.5 * rng.normal()) * 100) / 100));
  const quantities = amounts.map((amount) => 1 + poisson(rng, amount / 35));
  return { days, amounts, quantities, ageDays };
}

/** The FEATURES.md definitions over one history, rounded as written. */
function summarise({ days, amounts, quantities, ageDays }: History) {
  const k = days.length;
  const last = days[k - 1]!;
  const logDay = amounts.map((a) => Math.log1p(a));
  const meanLog = logDay.reduce((s, v) => s + v, 0) / k;
  const recentFrom = ageDays - 91;
  let recentDays = 0;
  let recentSpend = 0;
  days.forEach((day, i) => {
    if (day >= recentFrom) { recentDays++; recentSpend += amounts[i]!; }
  });
  const total = amounts.reduce((s, a) => s + a, 0);
  const qty = quantities.reduce((s, q) => s + q, 0);
  const tx = last / 7;
  const T = ageDays / 7;
  return {
    x_repeat_days: k - 1,
    t_x_weeks: round6(tx),
    T_weeks: round6(T),
    weeks_since_last: round6(T - tx),
    log_total_spend: round6(Math.log1p(total)),
    log_mean_day_spend: round6(Math.log1p(total / k)),
    log_max_day_spend: round6(Math.log1p(Math.max(...amounts))),
    std_log_day_spend: k === 1 ? 0 : round6(Math.sqrt(logDay.reduce((s, v) => s + (v - meanLog) ** 2, 0) / (k - 1))),
    log_total_qty: round6(Math.log1p(qty)),
    mean_qty_per_day: round6(qty / k),
    log_first_day_spend: round6(Math.log1p(amounts[0]!)),
    mean_interpurchase_weeks: k > 1 ? round6(tx / (k - 1)) : 0,
    days_last_13w: recentDays,
    log_spend_last_13w: round6(Math.log1p(recentSpend)),
    total_spend: Math.round(total * 100) / 100,
  };
}

function drawTarget(rng: Rng, drivers: LtvDrivers): number {
  const { buy, extraDays, logAmount } = targetModel(drivers);
  if (!(rng.next() < buy)) return 0;
  const n = 1 + poisson(rng, extraDays);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logAmount + AMOUNT_LOG_SD * rng.normal());
  return Math.round(sum * 100) / 100;
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}


function exponential(rng: Rng): number {
  return -Math.log(1 - rng.next());
}

/** Gamma(shape, 1): Marsaglia and Tsang, boosted for shape < 1. */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  return x / (x + gamma(rng, b));
}

/** Poisson(mean): multiplying uniforms below 30, a rounded normal above. */
function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}
