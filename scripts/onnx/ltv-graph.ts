/**
 * The LTV model as one ONNX graph: encoded feature row in, lifetime value out.
 *
 *   features [batch, F] ─ impute ─ clip ─ scale ─ MLP ─ de-standardise ─ ReLU ─▶ ltv [batch, 1]
 *
 * or, with a zero-inflated lognormal head (spec.target.ziln, ./ziln-head-graph.ts),
 * the MLP's three outputs become ltv, p_purchase, mu and sigma, each [batch, 1].
 *
 * Everything the trainer learned (medians, clip bounds, scaler, weights, target
 * scaling) lives in the graph, so the `.onnx` file alone turns an encoded row into a
 * prediction. `predictReference` in ./reference.ts is the same computation in plain
 * TypeScript, step for step; change both together.
 */
import { type ColumnTransform, type FeatureSpec, columnNames, columnTransforms, encodedWidth } from '../../src/spec/feature-spec.js';
import type { MlpParams } from '../mlp/params.js';
import { ZILN_OUTPUTS } from '../../src/head/ziln.js';
import { type Node, type Tensor, type ValueInfo, encodeModel } from './wire.js';
import { zilnHeadNodes } from './ziln-head-graph.js';

/**
 * ONNX IR version 8 with the default operator set at version 17: the pair ONNX 1.12
 * released together. Every operator used here (IsNaN-13, Where-16, Max/Min-13,
 * Sub/Div/Mul/Add-14, MatMul-13, Relu-14) has had its float semantics unchanged
 * since, onnxruntime (node and web) has run them for years, and an older pair keeps
 * the file readable by older runtimes and tools; newer versions would buy nothing.
 */
export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

/** Name of the symbolic batch dimension of the input and output. */
export const BATCH_DIM = 'batch';

/**
 * Builds the `.onnx` bytes of the LTV graph for `spec` and the trained `params`.
 * `metadata` goes into the model's `metadata_props` as given. Throws when the
 * network does not fit the spec, or a constant is not a finite float32.
 *
 * Scaling divides by `std` rather than multiplying by a stored 1/std: one float32
 * rounding fewer, and literally the `(x - mean) / std` the trainer computes.
 */
export function buildLtvOnnx(spec: FeatureSpec, params: MlpParams, metadata: Record<string, string>): Uint8Array {
  const ziln = spec.target.ziln;
  checkShapes(spec, params, ziln === undefined ? 1 : 3);
  const [output] = spec.io.outputs;
  if (ziln !== undefined && JSON.stringify(spec.io.outputs) !== JSON.stringify(ZILN_OUTPUTS)) {
    throw new Error(`the ZILN graph's outputs are ${JSON.stringify(ZILN_OUTPUTS)}, but spec.io.outputs lists ${JSON.stringify(spec.io.outputs)}`);
  }
  if (ziln === undefined && (spec.io.outputs.length !== 1 || output === undefined)) {
    throw new Error(`the LTV graph has exactly one output, but spec.io.outputs lists ${spec.io.outputs.length}: ${JSON.stringify(spec.io.outputs)}`);
  }
  const input = spec.io.input;
  const width = encodedWidth(spec);
  const names = columnNames(spec);
  const transforms = columnTransforms(spec);
  const column = (pick: (t: ColumnTransform) => number, what: string): Float32Array =>
    float32(transforms.map(pick), (i) => `column ${i} (${names[i]}) ${what}`);

  const std = column((t) => t.std, 'std');
  const zero = std.findIndex((s) => !(s > 0));
  if (zero >= 0) throw new Error(`column ${zero} (${names[zero]}) std is ${transforms[zero]?.std}, not a positive float32`);
  const crossed = transforms.findIndex((t) => t.min > t.max);
  if (crossed >= 0) throw new Error(`column ${crossed} (${names[crossed]}) min ${transforms[crossed]?.min} is greater than max ${transforms[crossed]?.max}`);

  const initializers: Tensor[] = [
    { name: 'impute_value', dims: [width], data: column((t) => t.impute, 'impute'), docString: 'Replaces NaN (a missing value), per column: the training median.' },
    { name: 'clip_min', dims: [width], data: column((t) => t.min, 'min'), docString: 'Lower clip bound per column.' },
    { name: 'clip_max', dims: [width], data: column((t) => t.max, 'max'), docString: 'Upper clip bound per column.' },
    { name: 'scale_mean', dims: [width], data: column((t) => t.mean, 'mean'), docString: 'Standard-scaler mean per column.' },
    { name: 'scale_std', dims: [width], data: std, docString: 'Standard-scaler standard deviation per column.' },
  ];
  const nodes: Node[] = [
    { name: 'impute/IsNaN', opType: 'IsNaN', inputs: [input], outputs: ['impute/is_missing'] },
    { name: 'impute/Where', opType: 'Where', inputs: ['impute/is_missing', 'impute_value', input], outputs: ['imputed'] },
    // Clip takes scalar bounds only; Max/Min broadcast a bound per column. ±Infinity lands on a bound.
    { name: 'clip/Max', opType: 'Max', inputs: ['imputed', 'clip_min'], outputs: ['clip/above_min'] },
    { name: 'clip/Min', opType: 'Min', inputs: ['clip/above_min', 'clip_max'], outputs: ['clipped'] },
    { name: 'scale/Sub', opType: 'Sub', inputs: ['clipped', 'scale_mean'], outputs: ['scale/centred'] },
    { name: 'scale/Div', opType: 'Div', inputs: ['scale/centred', 'scale_std'], outputs: ['scaled'] },
  ];

  // Hidden layers; the last layer belongs to the head.
  let hidden = 'scaled';
  params.layers.slice(0, -1).forEach((layer, i) => {
    const at = `layer${i}`;
    denseNodes(at, hidden, layer, `${at}/linear`, initializers, nodes);
    nodes.push({ name: `${at}/Relu`, opType: 'Relu', inputs: [`${at}/linear`], outputs: [`${at}/out`] });
    hidden = `${at}/out`;
  });
  const last = params.layers.at(-1)!;
  let outputs: ValueInfo[];
  if (ziln === undefined) {
    denseNodes(`layer${params.layers.length - 1}`, hidden, last, 'standardised_ltv', initializers, nodes);
    outputs = mseHeadNodes(spec, initializers, nodes);
  } else {
    const [ltv, pPurchase, mu, sigma] = ZILN_OUTPUTS;
    const head = zilnHeadNodes(hidden, last, ziln, { ltv, pPurchase, mu, sigma }, float32);
    initializers.push(...head.initializers);
    nodes.push(...head.nodes);
    outputs = [
      { name: ltv, shape: [BATCH_DIM, 1], docString: `Expected ${spec.target.name} in ${spec.target.unit}: p_purchase · exp(mu + sigma²/2).` },
      { name: pPurchase, shape: [BATCH_DIM, 1], docString: `Probability that ${spec.target.name} is above 0.` },
      { name: mu, shape: [BATCH_DIM, 1], docString: `Mean of log ${spec.target.name} if above 0, bounded by the training range.` },
      { name: sigma, shape: [BATCH_DIM, 1], docString: `Standard deviation of log ${spec.target.name} if above 0, at most that of the training spenders.` },
    ];
  }
  checkNamesDistinct(input, initializers, nodes);
  const head = ziln === undefined
    ? 'undo the target standardisation, clamp at 0.'
    : 'turn the three outputs into a purchase probability and a bounded lognormal (mu, sigma), and their expected value.';

  return encodeModel({
    irVersion: IR_VERSION,
    opsetImports: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'ltv-edge',
    metadata,
    graph: {
      name: 'ltv',
      docString:
        `Customer lifetime value (${spec.target.name}, ${spec.target.unit}) from an encoded feature row of ${width} float32 columns ` +
        '(NaN = missing): impute NaN with the training median, clip each column to its training bounds, standardise, ' +
        `run a ${[width, ...params.layers.map((l) => l.outSize)].join('-')} ReLU MLP, ${head}`,
      nodes,
      initializers,
      inputs: [{ name: input, shape: [BATCH_DIM, width], docString: `Encoded features in spec column order: ${names.join(', ')}.` }],
      outputs,
    },
  });
}

/** y = x · W + b as MatMul + Add, writing `out`. */
function denseNodes(at: string, input: string, layer: MlpParams['layers'][number], out: string, initializers: Tensor[], nodes: Node[]): void {
  initializers.push(
    { name: `${at}/weight`, dims: [layer.inSize, layer.outSize], data: float32(layer.weights, (j) => `${at} weight ${j}`) },
    { name: `${at}/bias`, dims: [layer.outSize], data: float32(layer.bias, (j) => `${at} bias ${j}`) },
  );
  nodes.push(
    { name: `${at}/MatMul`, opType: 'MatMul', inputs: [input, `${at}/weight`], outputs: [`${at}/product`] },
    { name: `${at}/Add`, opType: 'Add', inputs: [`${at}/product`, `${at}/bias`], outputs: [out] },
  );
}

/** The MSE head, after the last layer wrote `standardised_ltv`: de-standardise and clamp at 0. Returns the graph output. */
function mseHeadNodes(spec: FeatureSpec, initializers: Tensor[], nodes: Node[]): ValueInfo[] {
  const output = spec.io.outputs[0]!;
  initializers.push(
    { name: 'target_std', dims: [], data: float32([spec.target.std], () => 'target std'), docString: `Standard deviation of ${spec.target.name} in training.` },
    { name: 'target_mean', dims: [], data: float32([spec.target.mean], () => 'target mean'), docString: `Mean of ${spec.target.name} in training.` },
  );
  nodes.push(
    { name: 'target/Mul', opType: 'Mul', inputs: ['standardised_ltv', 'target_std'], outputs: ['target/scaled'] },
    { name: 'target/Add', opType: 'Add', inputs: ['target/scaled', 'target_mean'], outputs: ['target/ltv'] },
    { name: 'target/Relu', opType: 'Relu', inputs: ['target/ltv'], outputs: [output], docString: 'A lifetime value is never negative.' },
  );
  return [{ name: output, shape: [BATCH_DIM, 1], docString: `Predicted ${spec.target.name} in ${spec.target.unit}.` }];
}

/**
 * The network must read the spec's encoded row and end in `outputs` values (1 for
 * MSE, 3 for ZILN): the first layer's input is the encoded width, each layer feeds
 * the next, and every weight and bias array has the length its layer declares.
 */
export function checkShapes(spec: Pick<FeatureSpec, 'features'>, params: MlpParams, outputs = 1): void {
  const width = encodedWidth(spec);
  const { layers } = params;
  const first = layers[0];
  const last = layers[layers.length - 1];
  if (first === undefined || last === undefined) throw new Error('the network has no layers');
  if (first.inSize !== width) {
    throw new Error(`layer 0 reads [N, ${first.inSize}], but the spec encodes rows of [N, ${width}]`);
  }
  layers.forEach((layer, i) => {
    const next = layers[i + 1];
    if (next !== undefined && next.inSize !== layer.outSize) {
      throw new Error(`layer ${i} outputs [N, ${layer.outSize}], but layer ${i + 1} reads [N, ${next.inSize}]`);
    }
    if (layer.weights.length !== layer.inSize * layer.outSize) {
      throw new Error(`layer ${i}: weights hold ${layer.weights.length} values, but [${layer.inSize}, ${layer.outSize}] needs ${layer.inSize * layer.outSize}`);
    }
    if (layer.bias.length !== layer.outSize) {
      throw new Error(`layer ${i}: bias holds ${layer.bias.length} values, but [${layer.outSize}] needs ${layer.outSize}`);
    }
  });
  if (last.outSize !== outputs) {
    throw new Error(`the last layer outputs [N, ${last.outSize}], but the LTV graph needs [N, ${outputs}]`);
  }
}

/** Float32 copies of `values`, refusing any that are not finite in float32 (NaN, ±Infinity, beyond ±3.4e38). */
function float32(values: ArrayLike<number>, where: (index: number) => string): Float32Array {
  const out = Float32Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new Error(`${where(i)} is ${values[i]}, not a finite float32`);
  }
  return out;
}

/** The graph's own value names are fixed; the spec's input and output names must not collide with them. */
function checkNamesDistinct(input: string, initializers: Tensor[], nodes: Node[]): void {
  const seen = new Set<string>([input]);
  for (const name of [...initializers.map((t) => t.name), ...nodes.flatMap((n) => n.outputs)]) {
    if (seen.has(name)) throw new Error(`value name ${JSON.stringify(name)} is used twice in the graph; rename spec.io.input or spec.io.outputs`);
    seen.add(name);
  }
}
