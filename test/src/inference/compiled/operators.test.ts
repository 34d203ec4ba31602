/**
 * Every operator of the compiled subset against onnxruntime-node, one small graph at a
 * time: the values that tell float semantics apart (NaN, ±Infinity, ±0, ±1e30,
 * denormals), numpy broadcasting in each direction, each attribute, and batches that
 * cross the engine's row chunks. onnxruntime is the established implementation:
 * where ONNX's text leaves NaN or a bound's default open, what it computes is the rule.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { CompiledEngine } from '../../../../src/inference/compiled/engine.js';
import { BOOL, type GraphNode, type GraphSpec, type GraphTensor, onnxBytes } from '../../../support/onnx-graph.js';
import { kernelsModule } from './kernels-module.js';

const WIDTH = 16;
/** One row's values; other rows rotate them, so each column sees each kind of value. */
const SPECIAL = [Number.NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 1e-40, -2.5, 3.75, 88.7, -104, 0.5, 1e-7, 65504, -1];

function rows(count: number): Float32Array {
  const out = new Float32Array(count * WIDTH);
  for (let r = 0; r < count; r++) for (let c = 0; c < WIDTH; c++) out[r * WIDTH + c] = SPECIAL[(c + 5 * r) % WIDTH]! * (r % 3 === 2 ? -0.75 : 1);
  return out;
}

const floats = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
const ramp = (n: number) => floats(n, (i) => (i % 5) - 2.25 + i / 7);

/** x [batch, 16] → nodes → outputs, each [batch, k]. */
function graph(nodes: GraphNode[], outputs: [string, number][], initializers: GraphTensor[] = [], opset = 17): GraphSpec {
  return {
    nodes,
    initializers,
    inputs: [{ name: 'x', shape: ['batch', WIDTH] }],
    outputs: outputs.map(([name, k]) => ({ name, shape: ['batch', k] })),
    opset,
  };
}

async function expectSameAsOrt(spec: GraphSpec, options: { count?: number; atol?: number; rtol?: number; rowsPerChunk?: number } = {}): Promise<void> {
  const { count = 7, atol = 0, rtol = 0 } = options;
  const bytes = onnxBytes(spec);
  const x = rows(count);
  const session = await ort.InferenceSession.create(bytes);
  const want = await session.run({ x: new ort.Tensor('float32', x, [count, WIDTH]) });
  const engine = CompiledEngine.create(bytes, kernelsModule(), options.rowsPerChunk === undefined ? {} : { rowsPerChunk: options.rowsPerChunk });
  const got = engine.runAll(x, count);
  engine.outputs.forEach((o, i) => {
    const expected = want[o.name]!.data as Float32Array;
    const actual = got[i]!;
    expect(actual.length, o.name).toBe(expected.length);
    for (let k = 0; k < expected.length; k++) {
      const [a, e] = [actual[k]!, expected[k]!];
      const same = (Number.isNaN(a) && Number.isNaN(e)) || a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e);
      if (!same) expect.fail(`${o.name}[${Math.floor(k / o.width)}, ${k % o.width}]: compiled ${a}, onnxruntime-node ${e} (input ${x[k % (count * WIDTH)]})`);
    }
  });
}

describe('binary operators, with numpy broadcasting', () => {
  const shapes: [string, number[]][] = [['[16]', [WIDTH]], ['[1, 16]', [1, WIDTH]], ['a scalar []', []], ['[1]', [1]]];
  for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min']) {
    it.each(shapes)(`${op}: x op a constant of shape %s, and the constant op x`, async (_, dims) => {
      const n = dims.reduce((a, b) => a * b, 1);
      const c = { name: 'c', dims, data: floats(n, (i) => [0, -0, Number.NaN, 2, -3, 1e-38, Infinity, 1e20][i % 8]!) };
      await expectSameAsOrt(graph([{ op, inputs: ['x', 'c'], outputs: ['y'] }, { op, inputs: ['c', 'x'], outputs: ['z'] }], [['y', WIDTH], ['z', WIDTH]], [c]));
    });
    it(`${op}: two batched values, and a [batch, 1] column broadcast across [batch, 16]`, async () => {
      const w = { name: 'w', dims: [WIDTH, 1], data: ramp(WIDTH) };
      await expectSameAsOrt(
        graph(
          [
            { op: 'Neg', inputs: ['x'], outputs: ['n'] },
            { op, inputs: ['x', 'n'], outputs: ['y'] },
            { op: 'MatMul', inputs: ['x', 'w'], outputs: ['col'] },
            { op, inputs: ['x', 'col'], outputs: ['z'] },
            { op, inputs: ['col', 'x'], outputs: ['v'] },
          ],
          [['y', WIDTH], ['z', WIDTH], ['v', WIDTH]],
          [w],
        ),
        { rtol: 1e-6 },
      );
    });
  }

  it('Max and Min with three inputs (variadic), NaN anywhere propagating', async () => {
    const c = { name: 'c', dims: [WIDTH], data: floats(WIDTH, (i) => (i === 3 ? Number.NaN : i - 8)) };
    await expectSameAsOrt(
      graph(
        [
          { op: 'Neg', inputs: ['x'], outputs: ['n'] },
          { op: 'Max', inputs: ['x', 'c', 'n'], outputs: ['y'] },
          { op: 'Min', inputs: ['n', 'x', 'c'], outputs: ['z'] },
          { op: 'Max', inputs: ['x'], outputs: ['one'] },
        ],
        [['y', WIDTH], ['z', WIDTH], ['one', WIDTH]],
        [c],
      ),
    );
  });
});

describe('unary operators', () => {
  it.each([
    ['Neg', 0, 0],
    ['Relu', 0, 0],
    ['Exp', 0, 3e-7],
    ['Log', 0, 3e-7],
    ['Softplus', 1e-30, 3e-7],
    // onnxruntime's Sigmoid is MLAS's rational approximation; its AVX kernel and our WebAssembly take the same steps in another order.
    ['Sigmoid', 1e-7, 1e-6],
  ] as const)('%s', async (op, atol, rtol) => {
    await expectSameAsOrt(graph([{ op, inputs: ['x'], outputs: ['y'] }], [['y', WIDTH]]), { atol, rtol, count: 9 });
  });

  it('Identity, Constant (a tensor, value_float, value_floats) and IsNaN feeding Where', async () => {
    await expectSameAsOrt(
      graph(
        [
          { op: 'Identity', inputs: ['x'], outputs: ['i'] },
          { op: 'IsNaN', inputs: ['i'], outputs: ['missing'] },
          { op: 'Constant', inputs: [], outputs: ['fill'], attributes: { value_floats: floats(WIDTH, (i) => i * 1.5) } },
          { op: 'Where', inputs: ['missing', 'fill', 'x'], outputs: ['y'] },
          { op: 'Constant', inputs: [], outputs: ['half'], attributes: { value_float: 0.5 }, floatAttributes: ['value_float'] },
          { op: 'Where', inputs: ['missing', 'x', 'half'], outputs: ['z'] },
        ],
        [['y', WIDTH], ['z', WIDTH], ['i', WIDTH]],
      ),
    );
  });

  it('Where with a constant condition and a scalar, broadcast both ways', async () => {
    const cond = { name: 'cond', dims: [WIDTH], data: Array.from({ length: WIDTH }, (_, i) => i % 3 === 0 ? 1 : 0), dataType: BOOL };
    const s = { name: 's', dims: [], data: floats(1, () => -7) };
    await expectSameAsOrt(graph([{ op: 'Where', inputs: ['cond', 'x', 's'], outputs: ['y'] }, { op: 'Where', inputs: ['cond', 's', 'x'], outputs: ['z'] }], [['y', WIDTH], ['z', WIDTH]], [cond, s]));
  });
});

describe('Clip', () => {
  const scalar = (name: string, v: number) => ({ name, dims: [], data: floats(1, () => v) });
  it.each([
    ['both bounds', ['x', 'lo', 'hi']],
    ['no max (float32 max, not Infinity)', ['x', 'lo']],
    ['no min', ['x', '', 'hi']],
    ['neither', ['x']],
    ['a NaN bound, which clips nothing', ['x', 'nan', 'hi']],
    ['crossed bounds: everything becomes max', ['x', 'hi', 'lo']],
  ])('%s', async (_, inputs) => {
    await expectSameAsOrt(graph([{ op: 'Clip', inputs: inputs as string[], outputs: ['y'] }], [['y', WIDTH]], [scalar('lo', -2), scalar('hi', 3.5), scalar('nan', Number.NaN)]));
  });
});

describe('MatMul, Gemm and Concat', () => {
  const w = (k: number, n: number) => ({ name: 'w', dims: [k, n], data: floats(k * n, (i) => Math.sin(i * 1.7) * 0.5) });
  // Products of 1e30 overflow to ±Infinity and mix into NaN exactly as in onnxruntime; finite rows stay within float32 rounding of the sum order.
  const matmulOptions = { rtol: 2e-6, atol: 1e-30 };

  it.each([1, 3, 8, 9, 17, 33])('MatMul [batch, 16] × [16, %i], then bias Add and Relu (fused)', async (n) => {
    const b = { name: 'b', dims: [n], data: floats(n, (i) => i - 4) };
    await expectSameAsOrt(
      graph(
        [
          { op: 'MatMul', inputs: ['x', 'w'], outputs: ['p'] },
          { op: 'Add', inputs: ['p', 'b'], outputs: ['a'] },
          { op: 'Relu', inputs: ['a'], outputs: ['y'] },
        ],
        [['y', n], ['p', n]],
        [w(WIDTH, n), b],
      ),
      { ...matmulOptions, count: 11 },
    );
  });

  it.each([
    ['alpha, beta, C [n]', { alpha: 0.5, beta: 2 }, [5]],
    ['transB, C [1, n]', { transB: 1 }, [1, 5]],
    ['C a scalar', {}, []],
    ['no C', {}, undefined],
    ['beta 0', { beta: 0 }, [5]],
  ] as const)('Gemm: %s', async (_, attrs, cDims) => {
    const transB = 'transB' in attrs && attrs.transB === 1;
    const b = { name: 'B', dims: transB ? [5, WIDTH] : [WIDTH, 5], data: floats(5 * WIDTH, (i) => Math.cos(i) * 0.3) };
    const c = cDims === undefined ? [] : [{ name: 'C', dims: [...cDims], data: floats(cDims.reduce((a: number, v: number) => a * v, 1), (i) => i + 0.25) }];
    const floatAttrs = Object.keys(attrs).filter((k) => k === 'alpha' || k === 'beta');
    await expectSameAsOrt(
      graph([{ op: 'Gemm', inputs: cDims === undefined ? ['x', 'B'] : ['x', 'B', 'C'], outputs: ['y'], attributes: { ...attrs }, floatAttributes: floatAttrs }], [['y', 5]], [b, ...c]),
      matmulOptions,
    );
  });

  it('Gemm with a C that varies by row ([batch, 1], computed from x)', async () => {
    const b = { name: 'B', dims: [WIDTH, 4], data: ramp(WIDTH * 4) };
    const v = { name: 'v', dims: [WIDTH, 1], data: ramp(WIDTH) };
    await expectSameAsOrt(
      graph([{ op: 'MatMul', inputs: ['x', 'v'], outputs: ['c'] }, { op: 'Gemm', inputs: ['x', 'B', 'c'], outputs: ['y'], attributes: { beta: 0.5 }, floatAttributes: ['beta'] }], [['y', 4]], [b, v]),
      matmulOptions,
    );
  });

  it('Concat along the last axis (axis 1 and −1) of batched values of different widths', async () => {
    await expectSameAsOrt(
      graph(
        [
          { op: 'MatMul', inputs: ['x', 'w'], outputs: ['p'] },
          { op: 'Neg', inputs: ['x'], outputs: ['n'] },
          { op: 'Concat', inputs: ['p', 'x', 'n', 'p'], outputs: ['y'], attributes: { axis: 1 } },
          { op: 'Concat', inputs: ['n', 'p'], outputs: ['z'], attributes: { axis: -1 } },
        ],
        [['y', 3 + 2 * WIDTH + 3], ['z', WIDTH + 3]],
        [w(WIDTH, 3)],
      ),
      matmulOptions,
    );
  });

  it.each([[1, 128], [130, 128], [10, 4], [9, 1]])('gives the same rows whatever the chunks: %i rows, %i per chunk', async (count, rowsPerChunk) => {
    await expectSameAsOrt(
      graph(
        [
          { op: 'MatMul', inputs: ['x', 'w'], outputs: ['p'] },
          { op: 'Sigmoid', inputs: ['p'], outputs: ['s'] },
          { op: 'Concat', inputs: ['p', 's'], outputs: ['y'], attributes: { axis: 1 } },
        ],
        [['y', 6]],
        [w(WIDTH, 3)],
      ),
      { ...matmulOptions, atol: 1e-7, count, rowsPerChunk },
    );
  });
});
