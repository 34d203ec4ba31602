/**
 * Reading V8 CPU profiles of the built worker: which bundled module a frame belongs
 * to, and the tree's parent links. Shared by measure:worker (start-up) and
 * scripts/measure/commands/request-profile.ts (warm requests).
 */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Maps a line of dist/index.js to the source module it came from, by the `// path` comment esbuild puts before each module. */
export function bundleModules(bundle: string): (line: number) => string | undefined {
  const starts: { line: number; module: string }[] = [];
  bundle.split('\n').forEach((text, line) => {
    const match = /^\/\/ ((?:node_modules|src|model|scripts)\/\S+)$/.exec(text);
    if (match !== null) starts.push({ line, module: match[1]! });
  });
  return (line) => starts.findLast((s) => s.line <= line)?.module;
}

/** Each profile node's parent id. */
export function parents(profile: CpuProfile): Map<number, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  return parent;
}
