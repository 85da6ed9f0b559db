/**
 * The model contract shared by training, export, publishing and the inference function
 * (`docs/contract.md` §1–§3). Change it only together with every part that imports it.
 */
import { z } from 'zod';

/** The eleven UCI Wine Quality input columns, exactly as in the CSV header, in CSV order. */
export const UCI_FEATURES = [
  'fixed acidity',
  'volatile acidity',
  'citric acid',
  'residual sugar',
  'chlorides',
  'free sulfur dioxide',
  'total sulfur dioxide',
  'density',
  'pH',
  'sulphates',
  'alcohol',
] as const;

export type UciFeature = (typeof UCI_FEATURES)[number];

/** The label column of the UCI CSV. */
export const UCI_TARGET = 'quality';

/**
 * Feature sets a model can be trained on. The order of each list is the column order of the model's input tensor.
 * `seed3` is the payload the original service's producers send.
 */
export const FEATURE_SETS = {
  all: UCI_FEATURES,
  seed3: ['alcohol', 'volatile acidity', 'sulphates'],
} as const satisfies Record<string, readonly UciFeature[]>;

export type FeatureSetName = keyof typeof FEATURE_SETS;

/** Name every prediction event carries in `model` (kept from the original service). */
export const MODEL_NAME = 'wine_quality_prediction_model';

/**
 * ONNX graph I/O: one float32 input `[N, F]` (F = the signature's feature count, same order), an int64 `label` `[N]`
 * and a float32 `probabilities` `[N, C]` whose columns follow the signature's `classes`. Tensor outputs only: no ZipMap.
 */
export const ONNX_IO = {
  input: 'input',
  label: 'label',
  probabilities: 'probabilities',
} as const;

/** MLflow-style run id: 32 lowercase hex characters. */
export const RUN_ID_PATTERN = /^[0-9a-f]{32}$/;

/** MLflow experiment id: letters, digits, `.`, `_` and `-` (the committed runs use `1`). */
export const EXPERIMENT_ID_PATTERN = /^[A-Za-z0-9._-]+$/;

export const DEFAULT_EXPERIMENT_ID = '1';

/** Files of a published model folder (docs/contract.md §3). */
export const ARTIFACT_FILES = {
  model: 'model.onnx',
  signature: 'signature.json',
  metrics: 'metrics.json',
  reference: 'reference.json',
  card: 'MODEL_CARD.md',
} as const;

/** Key prefix of a run's model folder inside the model bucket, with a trailing slash. */
export function modelPrefix(experimentId: string, runId: string): string {
  return `${experimentId}/${runId}/artifacts/model/`;
}

/** `signature.json`: what the function validates records against and checks the ONNX graph with. */
export const signatureSchema = z
  .object({
    run_id: z.string().regex(RUN_ID_PATTERN, 'run_id must be 32 lowercase hex characters'),
    model_name: z.string().min(1),
    feature_set: z.string().min(1),
    /** Ordered input feature names: column j of the input tensor is `features[j]`. */
    features: z.array(z.enum(UCI_FEATURES)).min(1),
    /** Class labels, in the column order of the `probabilities` output. */
    classes: z.array(z.number().int()).min(2),
    onnx: z.object({
      input: z.string().min(1),
      label: z.string().min(1),
      probabilities: z.string().min(1),
      opset: z.number().int(),
      ml_opset: z.number().int(),
    }),
    created_at: z.string().min(1),
  })
  .superRefine((sig, ctx) => {
    if (new Set(sig.features).size !== sig.features.length) {
      ctx.addIssue({ code: 'custom', path: ['features'], message: 'feature names must be unique' });
    }
    if (new Set(sig.classes).size !== sig.classes.length) {
      ctx.addIssue({ code: 'custom', path: ['classes'], message: 'class labels must be unique' });
    }
  });

export type ModelSignature = z.infer<typeof signatureSchema>;

/**
 * `reference.json`: the training distribution a drift monitor compares live traffic with (e.g. by PSI).
 *
 * For each input feature, `cuts` are ascending interior bin edges taken at the deciles of the training rows
 * (duplicates removed, so heavily tied features have fewer bins). Bin `k` holds the values `x` with
 * `cuts[k-1] < x <= cuts[k]` (bin 0: `x <= cuts[0]`; the last bin: `x > cuts[cuts.length-1]`), and `shares[k]` is the
 * share of training rows in bin `k` (`shares.length === cuts.length + 1`, summing to 1). Values are the CSV's decimal
 * numbers (float64), as records carry them. `classes` holds each quality label's share of the training rows.
 */
export const referenceSchema = z.object({
  run_id: z.string().regex(RUN_ID_PATTERN),
  feature_set: z.string().min(1),
  /** Training rows the distribution was computed from. */
  rows: z.number().int().positive(),
  /** Quantile bins asked for (a feature may have fewer after tied edges are merged). */
  bins: z.number().int().min(2),
  features: z
    .array(
      z.object({
        name: z.enum(UCI_FEATURES),
        min: z.number(),
        max: z.number(),
        mean: z.number(),
        std: z.number().nonnegative(),
        cuts: z.array(z.number()),
        shares: z.array(z.number().min(0).max(1)).min(1),
      }),
    )
    .min(1),
  classes: z.array(z.object({ label: z.number().int(), share: z.number().min(0).max(1) })).min(2),
});

export type ModelReference = z.infer<typeof referenceSchema>;
