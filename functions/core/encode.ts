import { ScoringError } from '../errors';
import type { ModelDescription } from './model';
import type { PredictionEvent, SourceCoordinates } from './types';

/** Probabilities are float32 in the model; six decimals keep them exact to float32's precision without noise. */
const PROBABILITY_DECIMALS = 1e6;

/** Builds the prediction event of row `row` of a scored batch; `S` is the source's shape (Kinesis or file). */
export type PredictionEncoder<S = SourceCoordinates> = (
  row: number,
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  source: S,
  customerId: string | number | undefined,
) => PredictionEvent<S>;

/**
 * Builds the encoder for a model (docs/contract.md §2). Class keys and the label → column map are computed once.
 *
 * @throws ScoringError when the scorer returns a label that is not one of the model's classes
 * @example
 * const encode = createPredictionEncoder(model);
 * encode(0, scores.labels, scores.probabilities, record.source, 123);
 */
export function createPredictionEncoder<S = SourceCoordinates>(
  model: ModelDescription,
): PredictionEncoder<S> {
  const classes = model.classes;
  const keys = classes.map(String);
  const columnOf = new Map(classes.map((label, column) => [label, column]));
  const width = classes.length;

  return (row, labels, probabilities, source, customerId) => {
    const label = Number(labels[row]);
    const column = columnOf.get(label);
    if (column === undefined) {
      throw new ScoringError(
        `model returned label ${label}, which is not one of its classes [${keys.join(', ')}]`,
      );
    }
    const byClass: Record<string, number> = {};
    const base = row * width;
    for (let c = 0; c < width; c++) byClass[keys[c] as string] = round(probabilities[base + c] ?? Number.NaN);
    return {
      model: model.model_name,
      version: model.run_id,
      prediction: {
        wine_quality: label,
        probability: round(probabilities[base + column] ?? Number.NaN),
        probabilities: byClass,
        ...(customerId === undefined ? {} : { customer_id: customerId }),
      },
      source,
    };
  };
}

function round(probability: number): number {
  return Math.round(probability * PROBABILITY_DECIMALS) / PROBABILITY_DECIMALS;
}
