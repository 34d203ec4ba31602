/**
 * What the compiled engine refuses, and how it says so: every graph outside its
 * subset names the node and the operator (or the input, output or opset) and why,
 * so that the log of an ORT build says why ORT serves, and a build without ORT says
 * what to change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CompiledEngine } from '../../../../src/inference/compiled/engine.js';
import { readOnnxModel } from '../../../../src/inference/compiled/onnx-model.js';
import { OPERATORS, UnsupportedGraphError, planGraph } from '../../../../src/inference/compiled/plan.js';
import { type GraphNode, type GraphSpec, INT64, onnxBytes } from '../../../support/onnx-graph.js';
import { kernelsModule } from './kernels-module.js';

const w = { name: 'w', dims: [4, 2], data: Float32Array.from({ length: 8 }, (_, i) => i) };

function spec(nodes: GraphNode[], extra: Partial<GraphSpec> = {}): GraphSpec {
  return { nodes, initializers: [w], inputs: [{ name: 'x', shape: ['batch', 4] }], outputs: [{ name: 'y', shape: ['batch', 2] }], ...extra };
}

function refusal(graph: GraphSpec): UnsupportedGraphError {
  try {
    planGraph(readOnnxModel(onnxBytes(graph)));
  } catch (error) {
    if (error instanceof UnsupportedGraphError) return error;
    throw error;
  }
  throw new Error('the graph was planned');
}

describe('the compiled engine refuses a graph outside its subset', () => {
  it('naming the node and the operator it lacks (Tanh), and listing what it runs', () => {
    const error = refusal(spec([{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'], name: 'layer0/MatMul' }, { op: 'Tanh', inputs: ['h'], outputs: ['y'], name: 'layer0/Tanh' }]));
    expect(error.node).toBe('layer0/Tanh');
    expect(error.opType).toBe('Tanh');
    expect(error.message).toBe(`node "layer0/Tanh" (Tanh): operator Tanh is not in the compiled engine's subset (${OPERATORS.join(', ')})`);
  });

  it('and through CompiledEngine.create, which loads nothing', () => {
    const bytes = onnxBytes(spec([{ op: 'Softsign', inputs: ['x'], outputs: ['s'], name: 'odd' }, { op: 'MatMul', inputs: ['s', 'w'], outputs: ['y'] }]));
    expect(() => CompiledEngine.create(bytes, kernelsModule())).toThrow(/node "odd" \(Softsign\): operator Softsign is not in the compiled engine's subset/);
  });

  it.each([
    ['an operator of another domain', spec([{ op: 'FusedMatMul', domain: 'com.microsoft', inputs: ['x', 'w'], outputs: ['y'], name: 'fused' }]), /node "fused" \(FusedMatMul\): operator domain "com.microsoft"/],
    ['a MatMul by a computed matrix', spec([{ op: 'Neg', inputs: ['w'], outputs: ['nw'] }, { op: 'MatMul', inputs: ['x', 'nw'], outputs: ['y'], name: 'mm' }]), /node "mm" \(MatMul\): input B must be a constant/],
    ['Gemm with a transposed batch', spec([{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], name: 'g', attributes: { transA: 1 } }]), /node "g" \(Gemm\): transA = 1/],
    ['Clip with computed bounds', spec([{ op: 'ReduceMin', inputs: ['x'], outputs: ['lo'] }, { op: 'Clip', inputs: ['x', 'lo'], outputs: ['y'] }]), /\(ReduceMin\): operator ReduceMin/],
    ['a broadcast that moves the batch off the first axis', spec([{ op: 'Add', inputs: ['x', 'c3'], outputs: ['y'], name: 'add3' }], { initializers: [w, { name: 'c3', dims: [2, 1, 4], data: new Float32Array(8) }] }), /node "add3" \(Add\): shapes \[batch, 4\] and \[2, 1, 4\] would move the batch/],
    ['a broadcast of the batch against another size', spec([{ op: 'Add', inputs: ['x', 'c'], outputs: ['y'], name: 'add' }], { initializers: [w, { name: 'c', dims: [3, 4], data: new Float32Array(12) }] }), /node "add" \(Add\): shapes \[batch, 4\] and \[3, 4\] do not broadcast/],
    ['Concat along the batch axis', spec([{ op: 'Concat', inputs: ['x', 'x'], outputs: ['y'], name: 'cat', attributes: { axis: 0 } }]), /node "cat" \(Concat\): concatenating along the batch axis/],
    ['an int64 initializer', spec([{ op: 'Add', inputs: ['x', 'i'], outputs: ['y'], name: 'addi' }], { initializers: [w, { name: 'i', dims: [1], data: [1], dataType: INT64 }] }), /node "addi" \(Add\): reads initializer "i" of type int64/],
    ['an unknown attribute', spec([{ op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'r', attributes: { alpha: 2 } }]), /node "r" \(Relu\): attribute "alpha" is not supported/],
  ] as const)('%s', (_, graph, message) => {
    expect(refusal(graph).message).toMatch(message);
  });

  it.each([
    ['two inputs', spec([{ op: 'Add', inputs: ['x', 'z'], outputs: ['y'] }], { inputs: [{ name: 'x', shape: ['batch', 4] }, { name: 'z', shape: ['batch', 4] }] }), /reads 2 inputs \(x, z\)/],
    ['a fixed batch', spec([{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }], { inputs: [{ name: 'x', shape: [1, 4] }] }), /input "x" is float32 \[1, 4\]; the compiled engine takes float32 \[batch, width\]/],
    ['an output that does not depend on the input', spec([{ op: 'Neg', inputs: ['w'], outputs: ['y'] }]), /output "y" is float32 \[4, 2\]/],
    ['opset 10', { ...spec([{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }]), opset: 10 }, /opset 10 of the default domain; the compiled engine implements opsets 11 to 23/],
  ] as const)('a graph with %s', (_, graph, message) => {
    expect(refusal(graph).message).toMatch(message);
  });
});

describe('the shipped model', () => {
  it('is in the subset: the default build, which leaves onnxruntime-web out, can serve it', () => {
    const plan = planGraph(readOnnxModel(new Uint8Array(readFileSync(new URL('../../../../model/ltv.onnx', import.meta.url)))));
    const manifest = JSON.parse(readFileSync(new URL('../../../../model/ltv.json', import.meta.url), 'utf8')) as { spec: { io: { input: string; outputs: string[] } } };
    expect(plan.input.name).toBe(manifest.spec.io.input);
    expect(plan.outputs.map((o) => o.name)).toEqual(manifest.spec.io.outputs);
    // Bias Adds and Relus are folded into their MatMuls: one dense step per layer, and no Relu
    // left reading a dense step's output (the calibration's Relus read a difference, not a layer).
    expect(plan.steps.filter((s) => s.kind === 'dense').length).toBeGreaterThanOrEqual(3);
    const denseOutputs = new Set(plan.steps.filter((s) => s.kind === 'dense').map((s) => s.out));
    expect(plan.steps.filter((s) => s.kind === 'dense' && s.relu).length).toBeGreaterThanOrEqual(2);
    expect(plan.steps.some((s) => s.kind === 'unary' && s.op === 'Relu' && denseOutputs.has(s.x))).toBe(false);
  });
});
