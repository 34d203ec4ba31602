/**
 * The feature definitions live in ./sql/*.sql, one SELECT per file, so that an
 * analyst can read them and a warehouse can run them; this module only finds
 * them and quotes what goes into generated SQL.
 */
import { readFileSync } from 'node:fs';

export type SqlFile = 'lines' | 'windows_calibration' | 'windows_new_customer' | 'features';

export function readSql(name: SqlFile): string {
  return readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');
}

/** A quoted identifier: `"a ""b"""`. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A quoted string literal: `'it''s'`. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A text expression as the output CSV holds it: escaped against spreadsheet formulas
 * exactly as scripts/data/formula-cells.ts escapes (a `'` before a text value that
 * begins with quote marks and then = + - @, a tab or a CR; numbers left alone).
 */
export function escapedFormulaSql(expr: string): string {
  return `CASE WHEN regexp_matches(${expr}, '^''*[=+\\-@\\t\\r]') AND TRY_CAST(TRIM(${expr}) AS DOUBLE) IS NULL THEN '''' || ${expr} ELSE ${expr} END`;
}
