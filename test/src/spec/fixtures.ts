import { type FeatureSpec, MISSING_LEVEL, OTHER_LEVEL, SPEC_FORMAT } from '../../../src/spec/feature-spec.js';

/** A fresh transform each call, so that a test mutating one column leaves the others alone. */
const identity = () => ({ impute: 0, min: -1e6, max: 1e6, mean: 0, std: 1 });

/** A small spec: two numeric features (one required) and one categorical with two seen levels. */
export function smallSpec(): FeatureSpec {
  return {
    format: SPEC_FORMAT,
    features: [
      { name: 'recency', type: 'numeric', optional: true, transform: { ...identity(), impute: 3 } },
      { name: 'channel', type: 'categorical', optional: true, levels: ['email', 'search', OTHER_LEVEL, MISSING_LEVEL], transforms: [identity(), identity(), identity(), identity()] },
      { name: 'frequency', type: 'numeric', optional: false, transform: identity() },
    ],
    target: { name: 'ltv', unit: 'USD', mean: 10, std: 5 },
    io: { input: 'features', outputs: ['ltv'] },
  };
}
