/**
 * What `npm run docker:invoke` asserts about the function's answer to a Kinesis event with `TEST_RUN=True`
 * (docs/contract.md §2, §6): no function error, no batch item failures, every input record accounted for exactly once as a
 * well-formed prediction or a rejection with a known reason, and, when an expectations file exists, the outcome it
 * names for each record. Pure: the CLI and the tests feed it the event and the parsed response body.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { RejectionReason } from '../functions/core/types';

/** Per input sequence number: `"prediction"` or the rejection reason expected for it. */
export interface InvokeExpectations {
  readonly records: Readonly<Record<string, string>>;
}

export interface InvokeCheck {
  readonly problems: readonly string[];
  readonly predicted: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
}

const REASONS = new Set<string>(Object.values(RejectionReason));
const RUN_ID = /^[0-9a-f]{32}$/;

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Problems of one prediction event, each prefixed by where it is. */
function predictionProblems(prediction: unknown, where: string): string[] {
  if (!isObject(prediction) || !isObject(prediction.prediction) || !isObject(prediction.source)) {
    return [`${where}: not a prediction event (needs prediction and source objects)`];
  }
  const problems: string[] = [];
  const { wine_quality: label, probability, probabilities } = prediction.prediction;
  if (typeof prediction.model !== 'string' || prediction.model === '')
    problems.push(`${where}: model is missing`);
  if (typeof prediction.version !== 'string' || !RUN_ID.test(prediction.version)) {
    problems.push(`${where}: version ${JSON.stringify(prediction.version)} is not a run id`);
  }
  if (!Number.isInteger(label))
    problems.push(`${where}: wine_quality ${JSON.stringify(label)} is not an integer`);
  if (!isObject(probabilities)) {
    problems.push(`${where}: probabilities is not an object`);
    return problems;
  }
  const values = Object.values(probabilities);
  const sum = values.reduce<number>((total, p) => total + (typeof p === 'number' ? p : Number.NaN), 0);
  if (!(Math.abs(sum - 1) < 1e-4)) problems.push(`${where}: probabilities sum to ${sum}, not 1`);
  if (probabilities[String(label)] !== probability) {
    problems.push(
      `${where}: probability ${JSON.stringify(probability)} is not probabilities["${String(label)}"]`,
    );
  }
  return problems;
}

/**
 * Checks a response against the event it answers.
 *
 * @param body the parsed JSON the invoke endpoint returned
 */
export function checkInvokeResponse(
  event: KinesisStreamEvent,
  body: unknown,
  expectations?: InvokeExpectations,
): InvokeCheck {
  const problems: string[] = [];
  const rejectedByReason: Record<string, number> = {};
  if (!isObject(body))
    return { problems: ['the response is not a JSON object'], predicted: 0, rejectedByReason };
  if (typeof body.errorType === 'string' || typeof body.errorMessage === 'string') {
    const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
    const message = `${text(body.errorType ?? 'Error')}: ${text(body.errorMessage ?? '')}`;
    return { problems: [`the function failed: ${message}`], predicted: 0, rejectedByReason };
  }
  if (!Array.isArray(body.batchItemFailures)) problems.push('batchItemFailures is missing');
  else if (body.batchItemFailures.length > 0) {
    problems.push(`batchItemFailures is not empty: ${JSON.stringify(body.batchItemFailures)}`);
  }
  if (!Array.isArray(body.predictions) || !Array.isArray(body.rejected)) {
    problems.push('predictions/rejected are missing: is TEST_RUN=True set on the function?');
    return { problems, predicted: 0, rejectedByReason };
  }

  const records = new Map(event.Records.map((r) => [r.kinesis.sequenceNumber, r]));
  const outcomes = new Map<string, string>();
  const account = (source: unknown, outcome: string, where: string) => {
    if (!isObject(source) || typeof source.sequence_number !== 'string') {
      problems.push(`${where}: source.sequence_number is missing`);
      return;
    }
    const sequenceNumber = source.sequence_number;
    const record = records.get(sequenceNumber);
    if (!record) {
      problems.push(`${where}: sequence number ${sequenceNumber} is not in the event`);
      return;
    }
    if (outcomes.has(sequenceNumber)) problems.push(`record ${sequenceNumber} is answered twice`);
    outcomes.set(sequenceNumber, outcome);
    if (source.partition_key !== record.kinesis.partitionKey) {
      problems.push(
        `${where}: partition_key ${JSON.stringify(source.partition_key)} ≠ ${record.kinesis.partitionKey}`,
      );
    }
    if (source.shard_id !== record.eventID.split(':')[0]) {
      problems.push(
        `${where}: shard_id ${JSON.stringify(source.shard_id)} does not match the record's eventID`,
      );
    }
  };

  body.predictions.forEach((prediction: unknown, i) => {
    problems.push(...predictionProblems(prediction, `predictions[${i}]`));
    account(isObject(prediction) ? prediction.source : undefined, 'prediction', `predictions[${i}]`);
  });
  body.rejected.forEach((rejection: unknown, i) => {
    const where = `rejected[${i}]`;
    if (!isObject(rejection) || typeof rejection.reason !== 'string' || !REASONS.has(rejection.reason)) {
      problems.push(`${where}: reason is not one of ${[...REASONS].join(', ')}`);
      return;
    }
    if (typeof rejection.detail !== 'string' || rejection.detail === '')
      problems.push(`${where}: detail is empty`);
    rejectedByReason[rejection.reason] = (rejectedByReason[rejection.reason] ?? 0) + 1;
    account(rejection.source, rejection.reason, where);
  });

  for (const sequenceNumber of records.keys()) {
    const outcome = outcomes.get(sequenceNumber);
    if (outcome === undefined) problems.push(`record ${sequenceNumber} is neither predicted nor rejected`);
    const expected = expectations?.records[sequenceNumber];
    if (outcome !== undefined && expected !== undefined && outcome !== expected) {
      problems.push(`record ${sequenceNumber}: expected ${expected}, got ${outcome}`);
    }
  }
  for (const sequenceNumber of Object.keys(expectations?.records ?? {})) {
    if (!records.has(sequenceNumber))
      problems.push(`expectations name ${sequenceNumber}, which is not in the event`);
  }
  return { problems, predicted: body.predictions.length, rejectedByReason };
}
