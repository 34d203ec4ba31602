/**
 * The LTV model as one ONNX graph: encoded feature row in, lifetime value out.
 *
 *   features [batch, F] ─ impute ─ clip ─ scale ─┬─ member 0's layers ─┐
 *                                                ├─ member 1's layers ─┼─ head ─ average ─ calibration ─▶ ltv [batch, 1]
 *                                                └─ …                  ┘
 *
 * One network (no spec.members) is the single-member case: its layers, its head,
 * no average. MSE head: de-standardise and clamp at 0. ZILN head
 * (spec.target.ziln, ./ziln-head-graph.ts): p, μ, σ and the expected value per
 * member; the outputs are ltv, p_purchase, mu and sigma for one network, and ltv,
 * p_purchase and the members' member_p, member_mu, member_sigma ([batch, K]) for
 * several, from which the worker computes the mixture's quantiles. With
 * spec.calibration the average goes through the monotone map of
 * ./calibration-graph.ts, and μ is shifted to match.
 *
 * Each member keeps its own MatMul/Add/Relu chain, so one customer costs K times
 * one network's multiply-adds; only the members' last layers (3 columns each) are
 * laid side by side into one block-diagonal product per head output, which costs
 * K × (H · K · 3) multiply-adds instead of K × (H · 3) (a few thousand for the
 * default network and 5 members) and saves 3 × (2K − 1) nodes.
 *
 * Everything the trainer learned (medians, clip bounds, scaler, weights, target
 * scaling, calibration) lives in the graph, so the `.onnx` file alone turns an
 * encoded row into a prediction. `predictReferenceOutputs` in ./reference.ts is the
 * same computation in plain TypeScript, step for step; change both together.
 * Operators: MatMul, Add, Sub, Mul, Div, Relu, Max, Min, Clip, IsNaN, Where,
 * Sigmoid, Softplus, Exp, Log and Concat (axis 1, 2-D), every tensor [batch, n]
 * or a constant that broadcasts to it.
 */
import { type ColumnTransform, type FeatureSpec, columnNames, columnTransforms, encodedWidth, outputWidth } from '../../src/spec/feature-spec.js';
import type { MlpParams } from '../mlp/params.js';
import { MEMBER_PARAMETER_OUTPUTS, ZILN_MEMBER_OUTPUTS, ZILN_OUTPUTS } from '../../src/head/ziln.js';
import { type Node, type Tensor, type ValueInfo, encodeModel } from './wire.js';
import { blockDenseNodes, denseNodes, float32 } from './dense-graph.js';
import { zilnHeadNodes } from './ziln-head-graph.js';
import { calibrationNodes } from './calibration-graph.js';

/**
 * ONNX IR version 8 with the default operator set at version 17: the pair ONNX 1.12
 * released together. Every operator used here (IsNaN-13, Where-16, Max/Min-13,
 * Sub/Div/Mul/Add-14, MatMul-13, Relu-14, Concat-13, Log-13) has had its float
 * semantics unchanged since, onnxruntime (node and web) has run them for years, and
 * an older pair keeps the file readable by older runtimes and tools; newer versions
 * would buy nothing.
 */
export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

/** Name of the symbolic batch dimension of the input and output. */
export const BATCH_DIM = 'batch';

/**
 * Builds the `.onnx` bytes of the LTV graph for `spec` and the trained `params`:
 * one network, or one per member (spec.members.count of them, in its seeds' order).
 * `metadata` goes into the model's `metadata_props` as given. Throws when a
 * network does not fit the spec, or a constant is not a finite float32.
 *
 * Scaling divides by `std` rather than multiplying by a stored 1/std: one float32
 * rounding fewer, and literally the `(x - mean) / std` the trainer computes.
 */
export function buildLtvOnnx(spec: FeatureSpec, params: MlpParams | readonly MlpParams[], metadata: Record<string, string>): Uint8Array {
  const members = Array.isArray(params) ? (params as readonly MlpParams[]) : [params as MlpParams];
  const count = members.length;
  const ziln = spec.target.ziln;
  checkMembers(spec, count);
  members.forEach((member, k) => checkShapes(spec, member, ziln === undefined ? 1 : 3, count === 1 ? '' : `member ${k}: `));
  checkOutputs(spec, count);
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

  // Each member's hidden layers; its last layer belongs to the head. One network keeps the names layer<i>.
  const hidden = members.map((member, k) => {
    let value = 'scaled';
    member.layers.slice(0, -1).forEach((layer, i) => {
      const at = count === 1 ? `layer${i}` : `member${k}/layer${i}`;
      denseNodes(at, value, layer, `${at}/linear`, initializers, nodes);
      nodes.push({ name: `${at}/Relu`, opType: 'Relu', inputs: [`${at}/linear`], outputs: [`${at}/out`] });
      value = `${at}/out`;
    });
    return value;
  });
  let headInput = hidden[0]!;
  if (count > 1) {
    headInput = 'members/hidden';
    nodes.push({ name: 'members/Concat', opType: 'Concat', inputs: hidden, outputs: [headInput], attributes: { axis: 1 }, docString: 'The members\' last hidden layers side by side, for the head\'s block-diagonal products.' });
  }
  const lasts = members.map((member) => member.layers.at(-1)!);
  const calibration = spec.calibration;
  const ltvName = spec.io.outputs[0]!;
  // The average of the members' means, before calibration; one network's mean is the output itself when not calibrated.
  const averaged = calibration === undefined ? ltvName : 'ensemble/mean';
  const memberMean = count === 1 ? averaged : 'head/mean';
  let outputs: ValueInfo[];
  let calibratedMu: { value: string; output: string } | undefined;
  if (ziln === undefined) {
    const last = count === 1 ? `layer${members[0]!.layers.length - 1}` : 'head';
    blockDenseNodes(last, headInput, lasts, 0, 'standardised_ltv', initializers, nodes);
    mseHeadNodes(spec, memberMean, initializers, nodes);
    outputs = [{ name: ltvName, shape: [BATCH_DIM, 1], docString: `Predicted ${spec.target.name} in ${spec.target.unit}${count === 1 ? '' : `, the mean of ${count} networks`}${calibration === undefined ? '' : ', calibrated'}.` }];
  } else {
    const [, pPurchase, muOut, sigmaOut] = ZILN_OUTPUTS;
    const [memberP, memberMu, memberSigma] = MEMBER_PARAMETER_OUTPUTS;
    const mu = count === 1 ? muOut : memberMu;
    const muValue = calibration === undefined ? mu : 'head/mu';
    const head = zilnHeadNodes(headInput, lasts, ziln, { mean: memberMean, p: count === 1 ? pPurchase : memberP, mu: muValue, sigma: count === 1 ? sigmaOut : memberSigma }, float32);
    initializers.push(...head.initializers);
    nodes.push(...head.nodes);
    if (calibration !== undefined) calibratedMu = { value: muValue, output: mu };
    if (count > 1) averageNodes('ensemble/p', memberP, count, pPurchase, initializers, nodes);
    outputs = zilnOutputs(spec, count);
  }
  if (count > 1) averageNodes('ensemble/mean', memberMean, count, averaged, initializers, nodes);
  if (calibration !== undefined) {
    const calibrated = calibrationNodes(calibration, { mean: averaged, ltv: ltvName, mu: calibratedMu }, float32);
    initializers.push(...calibrated.initializers);
    nodes.push(...calibrated.nodes);
  }
  checkNamesDistinct(input, initializers, nodes);
  const head = ziln === undefined
    ? 'undo the target standardisation, clamp at 0'
    : 'turn the three outputs into a purchase probability and a bounded lognormal (mu, sigma), and their expected value';
  const combined = count === 1 ? '' : `; ${count} such networks, their expected values and purchase probabilities averaged`;
  const calibrated = calibration === undefined ? '' : '; the expected value through a monotone calibration map fitted on held-out rows';
  const sizes = [width, ...members[0]!.layers.map((l) => l.outSize)].join('-');

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
        `run a ${sizes} ReLU MLP, ${head}${combined}${calibrated}.`,
      nodes,
      initializers,
      inputs: [{ name: input, shape: [BATCH_DIM, width], docString: `Encoded features in spec column order: ${names.join(', ')}.` }],
      outputs,
    },
  });
}

/** The graph outputs of a ZILN model of `count` members. */
function zilnOutputs(spec: FeatureSpec, count: number): ValueInfo[] {
  const { name, unit } = spec.target;
  const ltv: ValueInfo = { name: 'ltv', shape: [BATCH_DIM, 1], docString: `Expected ${name} in ${unit}: p_purchase · exp(mu + sigma²/2)${count === 1 ? '' : ', averaged over the members'}${spec.calibration === undefined ? '' : ', calibrated'}.` };
  const p: ValueInfo = { name: 'p_purchase', shape: [BATCH_DIM, 1], docString: `Probability that ${name} is above 0${count === 1 ? '' : ', averaged over the members'}.` };
  const shifted = spec.calibration === undefined ? '' : ', shifted by log(calibrated / uncalibrated expected value)';
  if (count === 1) {
    return [
      ltv,
      p,
      { name: 'mu', shape: [BATCH_DIM, 1], docString: `Mean of log ${name} if above 0, bounded by the training range${shifted}.` },
      { name: 'sigma', shape: [BATCH_DIM, 1], docString: `Standard deviation of log ${name} if above 0, at most that of the training spenders.` },
    ];
  }
  return [
    ltv,
    p,
    { name: 'member_p', shape: [BATCH_DIM, count], docString: `Each member's probability that ${name} is above 0.` },
    { name: 'member_mu', shape: [BATCH_DIM, count], docString: `Each member's mean of log ${name} if above 0, bounded by the training range${shifted}.` },
    { name: 'member_sigma', shape: [BATCH_DIM, count], docString: `Each member's standard deviation of log ${name} if above 0, at most that of the training spenders.` },
  ];
}

/** The mean over the K columns of `input` as a MatMul with a [K, 1] column of 1/K, writing `out` [batch, 1]. */
function averageNodes(at: string, input: string, count: number, out: string, initializers: Tensor[], nodes: Node[]): void {
  initializers.push({ name: `${at}/weights`, dims: [count, 1], data: new Float32Array(count).fill(1 / count), docString: `1/${count} per member: the average.` });
  nodes.push({ name: `${at}/MatMul`, opType: 'MatMul', inputs: [input, `${at}/weights`], outputs: [out] });
}



/** The MSE head, after the last layer wrote `standardised_ltv` ([batch, K]): de-standardise and clamp at 0, writing `out`. */
function mseHeadNodes(spec: FeatureSpec, out: string, initializers: Tensor[], nodes: Node[]): void {
  initializers.push(
    { name: 'target_std', dims: [], data: float32([spec.target.std], () => 'target std'), docString: `Standard deviation of ${spec.target.name} in training.` },
    { name: 'target_mean', dims: [], data: float32([spec.target.mean], () => 'target mean'), docString: `Mean of ${spec.target.name} in training.` },
  );
  nodes.push(
    { name: 'target/Mul', opType: 'Mul', inputs: ['standardised_ltv', 'target_std'], outputs: ['target/scaled'] },
    { name: 'target/Add', opType: 'Add', inputs: ['target/scaled', 'target_mean'], outputs: ['target/ltv'] },
    { name: 'target/Relu', opType: 'Relu', inputs: ['target/ltv'], outputs: [out], docString: 'A lifetime value is never negative.' },
  );
}

/** One network, or spec.members.count of them. */
function checkMembers(spec: FeatureSpec, count: number): void {
  const declared = spec.members?.count ?? 1;
  if (declared !== count) throw new Error(`spec.members says ${declared} member${declared === 1 ? '' : 's'}, but ${count} network${count === 1 ? ' was' : 's were'} given`);
}

/** The outputs the graph writes, as spec.io lists them, with their widths. */
function checkOutputs(spec: FeatureSpec, count: number): void {
  const outputs = spec.io.outputs;
  if (spec.target.ziln !== undefined) {
    const expected = count === 1 ? ZILN_OUTPUTS : ZILN_MEMBER_OUTPUTS;
    if (JSON.stringify(outputs) !== JSON.stringify(expected)) {
      throw new Error(`the ZILN graph's outputs are ${JSON.stringify(expected)}, but spec.io.outputs lists ${JSON.stringify(outputs)}`);
    }
  } else if (outputs.length !== 1 || outputs[0] === undefined) {
    throw new Error(`the LTV graph has exactly one output, but spec.io.outputs lists ${outputs.length}: ${JSON.stringify(outputs)}`);
  }
  for (const name of outputs) {
    const expected = count > 1 && spec.target.ziln !== undefined && (MEMBER_PARAMETER_OUTPUTS as readonly string[]).includes(name) ? count : 1;
    if (outputWidth(spec.io, name) !== expected) throw new Error(`output ${name} has ${expected} column${expected === 1 ? '' : 's'}, but spec.io.widths says ${outputWidth(spec.io, name)}`);
  }
}

/**
 * The network must read the spec's encoded row and end in `outputs` values (1 for
 * MSE, 3 for ZILN): the first layer's input is the encoded width, each layer feeds
 * the next, and every weight and bias array has the length its layer declares.
 */
export function checkShapes(spec: Pick<FeatureSpec, 'features'>, params: MlpParams, outputs = 1, where = ''): void {
  const width = encodedWidth(spec);
  const { layers } = params;
  const first = layers[0];
  const last = layers[layers.length - 1];
  if (first === undefined || last === undefined) throw new Error(`${where}the network has no layers`);
  if (first.inSize !== width) {
    throw new Error(`${where}layer 0 reads [N, ${first.inSize}], but the spec encodes rows of [N, ${width}]`);
  }
  layers.forEach((layer, i) => {
    const next = layers[i + 1];
    if (next !== undefined && next.inSize !== layer.outSize) {
      throw new Error(`${where}layer ${i} outputs [N, ${layer.outSize}], but layer ${i + 1} reads [N, ${next.inSize}]`);
    }
    if (layer.weights.length !== layer.inSize * layer.outSize) {
      throw new Error(`${where}layer ${i}: weights hold ${layer.weights.length} values, but [${layer.inSize}, ${layer.outSize}] needs ${layer.inSize * layer.outSize}`);
    }
    if (layer.bias.length !== layer.outSize) {
      throw new Error(`${where}layer ${i}: bias holds ${layer.bias.length} values, but [${layer.outSize}] needs ${layer.outSize}`);
    }
  });
  if (last.outSize !== outputs) {
    throw new Error(`${where}the last layer outputs [N, ${last.outSize}], but the LTV graph needs [N, ${outputs}]`);
  }
}


/** The graph's own value names are fixed; the spec's input and output names must not collide with them. */
function checkNamesDistinct(input: string, initializers: Tensor[], nodes: Node[]): void {
  const seen = new Set<string>([input]);
  for (const name of [...initializers.map((t) => t.name), ...nodes.flatMap((n) => n.outputs)]) {
    if (seen.has(name)) throw new Error(`value name ${JSON.stringify(name)} is used twice in the graph; rename spec.io.input or spec.io.outputs`);
    seen.add(name);
  }
}
