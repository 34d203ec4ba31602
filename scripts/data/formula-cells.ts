/**
 * CSV cells that a spreadsheet would run as a formula (CSV injection, OWASP): a cell
 * that begins with `=`, `+`, `-`, `@`, a tab or a CR, such as an id `=HYPERLINK(…)`
 * taken from a transaction log. Every CSV the tools write escapes such a text cell
 * with a leading `'`, which spreadsheets read as "this is text" and do not show;
 * numbers (`-3.5`, `+1e3`) are left alone, they are harmless and must stay numbers.
 *
 * The tools read their own files back (the trainer, publish-store, promote), so the
 * escape is undone on reading: a cell that begins with `'` and then one of those
 * characters loses one `'`. A text cell that already begins with quote marks followed
 * by a trigger gets one more on writing, so reading gives back exactly what was written.
 * (A file from elsewhere with such a cell, `'=x`, reads as `=x`.) docs/csv-files.md.
 */

/** Quote marks, then a character a spreadsheet starts a formula with. */
const TRIGGER = /^'*[=+\-@\t\r]/;
const ESCAPED = /^'+[=+\-@\t\r]/;
const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$|^\s*[+-]?inf(?:inity)?\s*$/i;

/** The cell as a CSV writer should put it: `'` before a text cell a spreadsheet would run. */
export function escapeFormulaCell(cell: string): string {
  return TRIGGER.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell;
}

/** The cell as written before `escapeFormulaCell`. */
export function unescapeFormulaCell(cell: string): string {
  return cell.charCodeAt(0) === 0x27 && ESCAPED.test(cell) ? cell.slice(1) : cell;
}
