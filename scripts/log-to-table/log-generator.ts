/**
 * A synthetic transaction log, written by this project (no real customer is in it),
 * for the features benchmark and tests at any size. Same seed and line count, same
 * bytes.
 *
 * Columns: customer_id, order_id, timestamp (`YYYY-MM-DD HH:MM:SS`), product,
 * quantity, unit_price, country. Lines are grouped by customer (each customer's
 * orders in time order), not sorted by time across customers: the features step
 * does not care, and sorting ten million lines would dominate the generator.
 *
 * ## The process, per customer
 * 1. Acquisition day uniform over LOG_DAYS days from LOG_START; a country from
 *    scripts/data/generate.ts's COUNTRIES (same shares).
 * 2. Orders: the first on the acquisition day; after each, the customer churns with
 *    probability p ~ Uniform(0.05, 0.5), else the next follows after Exponential(λ)
 *    weeks (at least a day), λ ~ Exponential(mean 0.3) orders a week, until the log ends.
 * 3. Lines per order: 1 + Geometric (mean 3). Product P00001…P05000 with a skewed
 *    popularity (index = ⌊5000 u²⌋); a price fixed per product (0.50 to 20.49);
 *    quantity 1 + ⌊Exponential(mean 4)⌋.
 * 4. Returns: with probability 0.03 an order gets one return line 1 to 14 days
 *    later (if still in the log): a negative quantity of one of its lines, order id
 *    `R` + the order's id.
 * The generator stops at exactly `lines` lines (the last customer may be cut short).
 */
import { COUNTRIES } from '../data/generate.js';
import { cumulative, draw } from '../data/sampling.js';
import { Rng } from '../math/rng.js';

export const LOG_START = '2022-01-01';
export const LOG_DAYS = 730;
export const LOG_HEADER = 'customer_id,order_id,timestamp,product,quantity,unit_price,country';
const PRODUCTS = 5000;
const RETURN_RATE = 0.03;

export interface LogOptions {
  /** Data lines to write (the header not counted). */
  lines: number;
  seed: number;
}

/**
 * Generates the log and hands it to `write` in chunks of text (header first, `\n`
 * line ends), so that ten million lines never sit in memory at once. Returns the
 * number of customers.
 */
export async function generateLog(options: LogOptions, write: (chunk: string) => Promise<void> | void): Promise<number> {
  const { lines, seed } = options;
  if (!Number.isInteger(lines) || lines < 1) throw new RangeError(`lines must be a positive integer, got ${lines}`);
  const rng = new Rng(seed);
  const days = dayStrings();
  const countryCdf = cumulative(COUNTRIES.map((c) => c.share));
  let buffer = `${LOG_HEADER}\n`;
  let written = 0;
  let customers = 0;
  let orders = 0;
  const emit = async (line: string): Promise<boolean> => {
    buffer += line;
    written++;
    if (buffer.length > 1 << 20) {
      await write(buffer);
      buffer = '';
    }
    return written < lines;
  };

  outer: for (;;) {
    customers++;
    const id = `C${String(customers).padStart(7, '0')}`;
    const country = COUNTRIES[draw(rng, countryCdf)]!.name;
    const rate = 0.3 * exponential(rng);
    const churn = 0.05 + 0.45 * rng.next();
    for (let day = rng.int(LOG_DAYS); day < LOG_DAYS;) {
      orders++;
      const order = String(orders);
      const stamp = `${days[day]} ${time(rng)}`;
      const count = 1 + geometric(rng, 3);
      let returned = '';
      for (let i = 0; i < count; i++) {
        const product = Math.floor(PRODUCTS * rng.next() ** 2);
        const quantity = 1 + Math.floor(4 * exponential(rng));
        const line = `${id},${order},${stamp},P${String(product + 1).padStart(5, '0')},${quantity},${price(product)},${country}\n`;
        if (i === 0) returned = `${product},${quantity}`;
        if (!(await emit(line))) break outer;
      }
      if (rng.next() < RETURN_RATE) {
        const back = day + 1 + rng.int(14);
        const [product, quantity] = returned.split(',').map(Number) as [number, number];
        if (back < LOG_DAYS) {
          const line = `${id},R${order},${days[back]} ${time(rng)},P${String(product + 1).padStart(5, '0')},${-quantity},${price(product)},${country}\n`;
          if (!(await emit(line))) break outer;
        }
      }
      if (rng.next() < churn || rate === 0) break;
      day += Math.max(1, Math.ceil((exponential(rng) / rate) * 7));
    }
  }
  await write(buffer);
  return customers;
}

/** A product's price, fixed per product, 0.50 to 20.49. */
function price(product: number): string {
  return (0.5 + ((product * 7919) % 2000) / 100).toFixed(2);
}

function dayStrings(): string[] {
  const start = Date.parse(`${LOG_START}T00:00:00Z`);
  return Array.from({ length: LOG_DAYS }, (_, d) => new Date(start + d * 86_400_000).toISOString().slice(0, 10));
}

function time(rng: Rng): string {
  const seconds = 8 * 3600 + rng.int(12 * 3600);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

function exponential(rng: Rng): number {
  return -Math.log(1 - rng.next());
}

/** Failures before the first success, mean `mean`. */
function geometric(rng: Rng, mean: number): number {
  return Math.floor(Math.log(1 - rng.next()) / Math.log(mean / (mean + 1)));
}

