/** The progress bar is drawn only on a terminal, rewritten in place, and ended with a line break. */
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../scripts/score/progress.js';

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { written, sink: { isTTY, write: (text: string) => written.push(text) } };
}

describe('progressBar', () => {
  it('draws rows, rows/s, the share done and the ETA on a terminal, in place', () => {
    const { written, sink: s } = sink(true);
    const bar = progressBar(s);
    bar.update({ rows: 250_000, rejected: 3, seconds: 2.5, fraction: 0.25 });
    bar.end();
    expect(written).toEqual([
      '\r\x1b[2K[######------------------]  25 %  250,000 rows  100.0 k rows/s  ETA 8s  3 rejected',
      '\n',
    ]);
  });

  it('leaves out the share and the ETA when the size of the table is not known', () => {
    const { written, sink: s } = sink(true);
    progressBar(s).update({ rows: 900, rejected: 0, seconds: 3, fraction: undefined });
    expect(written).toEqual(['\r\x1b[2K900 rows  300 rows/s']);
  });

  it('writes nothing when stderr is not a terminal', () => {
    const { written, sink: s } = sink(false);
    const bar = progressBar(s);
    bar.update({ rows: 1, rejected: 0, seconds: 1, fraction: 0.5 });
    bar.end();
    expect(written).toEqual([]);
  });
});
