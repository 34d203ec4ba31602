/**
 * The report of one `npm run bench` run: markdown on stdout, the whole run as JSON in
 * bench/results/ (git-ignored), and, unless it was a smoke run, appended to
 * BENCHMARKS.md with the machine it ran on.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Machine, describeMachine, machine } from '../workerd/machine.js';
import { root } from '../workerd/workerd.js';
import type { Section } from './parts.js';

export function writeBenchReport(sections: Section[], before: Machine, smoke: boolean): void {
  const after = machine();
  const stamp = new Date().toISOString();
  const markdown = [
    `## npm run bench${smoke ? ' --smoke (not a measurement)' : ''}: ${stamp}`,
    '',
    `Machine: ${describeMachine(before)} (load at the end: ${after.load}).`,
    '',
    ...sections.flatMap((s) => [`### ${s.title}`, '', `Command: \`${s.command}\``, '', s.markdown, '']),
  ].join('\n');
  console.log(markdown);
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${stamp.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`);
  writeFileSync(file, `${JSON.stringify({ machine: before, loadAtEnd: after.load, smoke, sections }, null, 2)}\n`);
  if (!smoke) appendFileSync(join(root, 'BENCHMARKS.md'), `\n${markdown}`);
  console.error(`wrote ${file}${smoke ? '' : ' and appended BENCHMARKS.md'}`);
}
