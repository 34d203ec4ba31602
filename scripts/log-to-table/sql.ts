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
