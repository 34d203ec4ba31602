/** Escaping CSV cells against spreadsheet formulas (scripts/data/formula-cells.ts), and undoing it on reading. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvRecord, parseCsv } from '../../../scripts/data/csv.js';
import { escapeFormulaCell, unescapeFormulaCell } from '../../../scripts/data/formula-cells.js';
import { fcSettings } from '../../support/fc-settings.js';

const settings = fcSettings(process.env);
const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];

describe('formula cells', () => {
  it('escape text that starts a formula, and leave numbers and other text alone', () => {
    expect(['=1+2', '+cmd', '-cmd', '@SUM(A1)', '\tx', '\rx', "'=x", "''@x"].map(escapeFormulaCell)).toEqual(["'=1+2", "'+cmd", "'-cmd", "'@SUM(A1)", "'\tx", "'\rx", "''=x", "'''@x"]);
    expect(['-17', '+3.5', '-1e-3', '-.5', '-inf', 'C0001', "it's", "'quoted", ''].map(escapeFormulaCell)).toEqual(['-17', '+3.5', '-1e-3', '-.5', '-inf', 'C0001', "it's", "'quoted", '']);
  });

  it('read back exactly what was written, for any text (property)', () => {
    const text = fc.oneof(fc.string(), fc.tuple(fc.constantFrom("'", "''", ''), fc.constantFrom(...TRIGGERS), fc.string()).map((parts) => parts.join('')));
    fc.assert(fc.property(text, (value) => {
      const written = escapeFormulaCell(value);
      expect(unescapeFormulaCell(written)).toBe(value);
      // What a spreadsheet sees never starts a formula, unless it is a number.
      if (TRIGGERS.includes(written[0]!)) expect(Number.isNaN(Number(written)) && !/^\s*[+-]?inf/i.test(written)).toBe(false);
    }), settings);
  });

  it('apply to every CSV record the tools format', () => {
    const line = formatCsvRecord(['=HYPERLINK("http://x")', '-3', '@a,b']);
    expect(line).toBe(`"'=HYPERLINK(""http://x"")",-3,"'@a,b"`);
    expect(parseCsv(line)[0]!.fields.map(unescapeFormulaCell)).toEqual(['=HYPERLINK("http://x")', '-3', '@a,b']);
  });
});
