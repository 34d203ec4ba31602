/**
 * The offline side's folders depend on each other in one direction only: no cycle
 * between scripts/<folder>/s, and no product code reaching into scripts/measure/
 * (the benchmarks, soak and profilers use the product, never the reverse).
 * Relative imports are read from the sources as written.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'assembly' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** scripts/<folder> of a path inside scripts/, or undefined outside it. */
const folderOf = (path: string): string | undefined => {
  const parts = normalize(path).split('/');
  return parts[0] === 'scripts' && parts.length > 2 ? parts[1] : undefined;
};

/** Edges between folders, each with the files that make it. */
function folderGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sources('scripts')) {
    const from = folderOf(file);
    if (from === undefined) continue;
    for (const [, specifier] of readFileSync(join(root, file), 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const to = folderOf(relative(root, join(root, dirname(file), specifier!)));
      if (to === undefined || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      edges.set(to, [...(edges.get(to) ?? []), file]);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** A cycle as a list of folders (first = last), or undefined. */
function findCycle(graph: Map<string, Map<string, string[]>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (state.get(node) === undefined) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

describe('scripts/ folders', () => {
  const graph = folderGraph();

  it('import each other without a cycle', () => {
    const cycle = findCycle(graph);
    const detail = cycle?.slice(1).map((to, i) => `${cycle[i]} → ${to} (${graph.get(cycle[i]!)!.get(to)![0]})`);
    expect(detail, 'a cycle between folders').toBeUndefined();
  });

  it('never import the measurement tree from product code', () => {
    const offenders = [...graph].filter(([from, edges]) => from !== 'measure' && edges.has('measure')).map(([from, edges]) => `${from}: ${edges.get('measure')!.join(', ')}`);
    expect(offenders).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const g = new Map([['a', new Map([['b', ['x']]])], ['b', new Map([['a', ['y']]])]]);
    expect(findCycle(g)).toEqual(['a', 'b', 'a']);
  });
});
