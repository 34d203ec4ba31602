/**
 * What `npm run table-from-log` is asked to do, as typed options. The CLI
 * (scripts/commands/table-from-log.ts) fills it from the command line; tests and the pipeline
 * build it directly.
 */

/** How the input file is read. */
export type InputFormat = 'csv' | 'parquet' | 'whitespace';

/** Which window defines the features and the target. */
export type WindowMode =
  /**
   * One calibration window for everybody: features from [calibrationStart, calibrationEnd],
   * target = spend in (calibrationEnd, holdoutEnd]. Dates are ISO `YYYY-MM-DD`, inclusive.
   * A missing calibrationStart or holdoutEnd means the first or last day of the log.
   */
  | { kind: 'calibration'; calibrationStart?: string; calibrationEnd: string; holdoutEnd?: string }
  /**
   * New customers: features from the first `firstPurchaseDays` days of each customer
   * (day 1 = the first purchase day), target = spend over the next `horizonDays` days.
   * Customers first seen before `calibrationStart` are not new and left out; customers
   * whose horizon runs past the log's last day are left out and counted.
   */
  | { kind: 'new-customer'; firstPurchaseDays: number; horizonDays: number; calibrationStart?: string };

export interface ColumnNames {
  /** Customer id; lines where it is empty are dropped and counted. Default `customer_id`. */
  customer: string;
  /** Date or timestamp of the line. Default `date`. */
  date: string;
  /** Line amount; or give quantity and unitPrice, and amount = quantity × unitPrice. */
  amount?: string;
  /** Units on the line; negative = returned. */
  quantity?: string;
  unitPrice?: string;
  /** Order id; without it, an order is a distinct (customer, timestamp). */
  order?: string;
  /** Product id or name, for the distinct-products feature. */
  product?: string;
  /** Categorical columns carried as the value on the customer's first purchase line. */
  attributes: string[];
}

export interface FeaturesConfig {
  /**
   * CSV (plain or .gz), Parquet, or whitespace-separated text: the one file of that name
   * (`*`, `?`, `[` and `://` in it are plain characters), or with `glob`, a pattern.
   */
  transactions: string;
  /** `transactions` is a pattern (`logs/2024-*.parquet`), expanded by DuckDB: `--transactions-glob`. Default false. */
  glob?: boolean;
  /** The per-customer CSV to write (atomically: nothing is left on failure). */
  out: string;
  format: InputFormat;
  /** CSV delimiter. Default `,`. */
  delimiter?: string;
  /** strptime format of the date column (e.g. `%Y%m%d`); undefined = ISO date or timestamp. */
  dateFormat?: string;
  columns: ColumnNames;
  window: WindowMode;
  /** Name of the target column (last in the output). */
  targetName: string;
}

/** The format implied by the file name, when --format is not given. */
export function formatFromName(path: string): InputFormat {
  return /\.parquet$/i.test(path) ? 'parquet' : 'csv';
}
