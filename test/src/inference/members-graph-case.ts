/**
 * A graph of several ZILN members for the engines in workerd (Node side: the global
 * setup provides it). The hand-made members of test/support/ziln-members.ts, exported
 * together (uncalibrated and calibrated) and each alone, the rows they are run on
 * (ordinary, far outside, ±1e30, ±Infinity, NaN), and the trainer's own arithmetic on
 * those rows (scripts/onnx/reference.ts): the members' mean, and every output of the
 * calibrated graph. Workerd cannot read files, so everything travels as base64.
 */
import { ZILN_MEMBER_OUTPUTS } from '../../../src/head/ziln.js';
import { Rng } from '../../../scripts/math/rng.js';
import { buildLtvOnnx } from '../../../scripts/onnx/ltv-graph.js';
import { predictReferenceOutputs } from '../../../scripts/onnx/reference.js';
import { K, MAX_TARGET, WIDTH, exampleCalibration, rows, zilnMembers, zilnSpec } from '../../support/ziln-members.js';
import type { MembersGraphCaseJson } from './agreement.js';

const base64 = (a: Float32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function membersGraphCase(): MembersGraphCaseJson {
  const x = rows(new Rng(4), 200);
  const count = x.length / WIDTH;
  const members = zilnMembers(21);
  const calibration = exampleCalibration();
  const outputs = (o: Record<string, Float32Array>) => Object.fromEntries(ZILN_MEMBER_OUTPUTS.map((name) => [name, base64(o[name]!)]));
  return {
    members: K,
    width: WIDTH,
    count,
    maxTarget: MAX_TARGET,
    rowsBase64: base64(x),
    combinedBase64: base64(buildLtvOnnx(zilnSpec(K), members, {})),
    calibratedBase64: base64(buildLtvOnnx(zilnSpec(K, calibration), members, {})),
    aloneBase64: members.map((member) => base64(buildLtvOnnx(zilnSpec(1), member, {}))),
    trainerBase64: outputs(predictReferenceOutputs(zilnSpec(K), members, x, count)),
    trainerCalibratedBase64: outputs(predictReferenceOutputs(zilnSpec(K, calibration), members, x, count)),
  };
}
