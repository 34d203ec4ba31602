/** What a benchmark ran on: printed with every result, since figures mean nothing without it. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { root } from './workerd.js';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  workerd: string;
  onnxruntime: string;
  load: string;
}

function version(pkg: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    workerd: version('workerd'),
    onnxruntime: version('onnxruntime-web'),
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores; Node ${m.node}; workerd ${m.workerd}; onnxruntime-web ${m.onnxruntime}; load average ${m.load}`;
}
