/**
 * Record → float32 row: the one encoder that training and scoring share.
 *
 * The trainer encodes every cleaned CSV row with it and the worker encodes every
 * request with it, so a change to encoding cannot reach one side only. The
 * encoder only lays values out; imputation, clipping and scaling happen inside the
 * ONNX graph, so the exported model alone is enough to reproduce a prediction.
 */
import {
  type CategoricalFeature,
  type Feature,
  type FeatureSpec,
  MISSING_LEVEL,
  OTHER_LEVEL,
  encodedWidth,
} from './feature-spec.js';

/** A value as it arrives: from a parsed CSV cell or from request JSON. */
export type RawValue = unknown;

/** One thing wrong with one field of a record. `field` is the feature (or key) name. */
export interface FieldError {
  field: string;
  message: string;
}

export interface EncodeOptions {
  /** Reject missing features instead of imputing them. Default false. */
  strict?: boolean;
}

export interface EncodeResult {
  /** Features that were absent or null and will be imputed by the graph, in spec order. */
  imputed: string[];
  /** Everything wrong with the record; when non-empty the written row must not be used. */
  errors: FieldError[];
}

/** Largest magnitude a float32 holds; beyond it a number would become Infinity in the tensor. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A spec prepared for fast encoding: feature lookup by name and column offsets
 * computed once per model rather than once per record.
 */
export class Encoder {
  readonly width: number;
  private readonly byName: Map<string, { feature: Feature; offset: number; levelIndex?: Map<string, number> }>;

  constructor(readonly spec: Pick<FeatureSpec, 'features'>) {
    this.width = encodedWidth(spec);
    this.byName = new Map();
    let offset = 0;
    for (const feature of spec.features) {
      if (feature.type === 'numeric') {
        this.byName.set(feature.name, { feature, offset });
        offset += 1;
      } else {
        const levelIndex = new Map(feature.levels.map((level, i) => [level, i]));
        this.byName.set(feature.name, { feature, offset, levelIndex });
        offset += feature.levels.length;
      }
    }
  }

  /**
   * Writes one record into `out[offset, offset + width)`.
   * Keys are read as own properties only, so `__proto__` or `constructor` in a
   * request are plain unknown keys, never a path into the prototype chain.
   */
  encodeInto(record: object, out: Float32Array, rowOffset: number, options: EncodeOptions = {}): EncodeResult {
    const errors: FieldError[] = [];
    const imputed: string[] = [];
    for (const key of Object.keys(record)) {
      if (!this.byName.has(key)) errors.push({ field: key, message: 'unknown feature' });
    }
    for (const feature of this.spec.features) {
      const slot = this.byName.get(feature.name)!;
      const present = Object.hasOwn(record, feature.name);
      const value: RawValue = present ? (record as Record<string, RawValue>)[feature.name] : undefined;
      const at = rowOffset + slot.offset;
      if (value === undefined || value === null) {
        if (options.strict || !feature.optional) {
          errors.push({ field: feature.name, message: 'missing required feature' });
        } else {
          imputed.push(feature.name);
        }
        if (feature.type === 'numeric') out[at] = Number.NaN;
        else writeOneHot(out, at, feature, feature.levels.indexOf(MISSING_LEVEL));
        continue;
      }
      if (feature.type === 'numeric') {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          errors.push({ field: feature.name, message: `expected a number, got ${describe(value)}` });
          out[at] = Number.NaN;
        } else if (Math.abs(value) > FLOAT32_MAX) {
          errors.push({ field: feature.name, message: `number ${value} is outside the float32 range` });
          out[at] = Number.NaN;
        } else {
          out[at] = value;
        }
      } else {
        if (typeof value !== 'string') {
          errors.push({ field: feature.name, message: `expected a string, got ${describe(value)}` });
          writeOneHot(out, at, feature, -1);
          continue;
        }
        const level = slot.levelIndex!.get(value);
        // Values equal to the reserved level names are treated as unseen, not as those levels.
        const index = level === undefined || value === OTHER_LEVEL || value === MISSING_LEVEL
          ? feature.levels.indexOf(OTHER_LEVEL)
          : level;
        writeOneHot(out, at, feature, index);
      }
    }
    return { imputed, errors };
  }

  /** Encodes one record into a fresh row. */
  encode(record: object, options: EncodeOptions = {}): EncodeResult & { row: Float32Array } {
    const row = new Float32Array(this.width);
    return { row, ...this.encodeInto(record, row, 0, options) };
  }
}

function writeOneHot(out: Float32Array, at: number, feature: CategoricalFeature, index: number): void {
  for (let i = 0; i < feature.levels.length; i++) out[at + i] = i === index ? 1 : 0;
}

/** A short, safe rendering of a bad value for an error message (never the whole of a long string). */
export function describe(value: RawValue): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
