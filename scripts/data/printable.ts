/**
 * A name from a user's file (a column, a feature, an id) as the CLIs print it: in
 * double quotes, with every control character escaped, so that a header cannot move
 * the cursor, recolour or clear the terminal, ring its bell or hide text from the
 * reader: ESC sequences, CR, BEL, DEL, the C1 controls, the line and paragraph
 * separators and the bidirectional overrides all print as `\uXXXX`.
 *
 *   printable('chan\x1b[31mnel') → "chan\u001b[31mnel"
 *
 * JSON.stringify does the quoting and the C0 controls; the rest are escaped here.
 */
const UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function printable(name: string): string {
  return JSON.stringify(name).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Names as a comma-separated list, each `printable`. */
export function printableList(names: readonly string[]): string {
  return names.map(printable).join(', ');
}

/** A value from a user's file (a cell) as the CLIs print it: `printable`, cut to `max` characters with `…`. */
export function printableValue(value: string, max = 40): string {
  return printable(value.length > max ? `${value.slice(0, max)}…` : value);
}
