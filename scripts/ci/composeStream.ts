/**
 * The `TEST_RUN=False` half of the container check: the function behind docker-compose's Runtime Interface Emulator
 * answers with nothing but `batchItemFailures` and writes its predictions to the compose `kinesis` service. Where to
 * reach both is read from the compose file docs/docker-compose.md documents, so the check follows the file rather than a copy of
 * its ports and names. Pure: the CLI (`compose-stream-check.ts`) does the I/O.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { parse } from 'yaml';
import { checkInvokeResponse, type InvokeCheck, type InvokeExpectations } from '../../docker/invoke-check';

/** The compose file is not what the check expects; the message names the service and the key. */
export class ComposeFileError extends Error {
  override readonly name = 'ComposeFileError';
}

/** Where the function and the Kinesis emulator of the compose stack are reachable from the host. */
export interface ComposeTargets {
  readonly invokeUrl: string;
  readonly kinesisEndpoint: string;
  readonly predictionsStream: string;
  /** The function's own region and credentials (kinesis-mock keeps streams per region). */
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The Runtime Interface Emulator's invoke path (fixed by the emulator). */
const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads the host port a service publishes for a container port (`"8080:8080"`, `"127.0.0.1:4568:4568"`, or the long
 * form `{published, target}`).
 */
function publishedPort(service: Json, serviceName: string, containerPort: string): string {
  const ports = Array.isArray(service.ports) ? (service.ports as unknown[]) : [];
  for (const port of ports) {
    if (typeof port === 'string' || typeof port === 'number') {
      const parts = String(port).split(':');
      if (parts.length >= 2 && parts.at(-1) === containerPort) return parts.at(-2) ?? '';
    } else if (
      isObject(port) &&
      String(port.target) === containerPort &&
      (typeof port.published === 'string' || typeof port.published === 'number')
    ) {
      return String(port.published);
    }
  }
  throw new ComposeFileError(`service "${serviceName}" does not publish container port ${containerPort}`);
}

/** The container port in a URL such as `http://kinesis:4568`. */
function urlPort(url: string, where: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port;
  } catch {
    throw new ComposeFileError(`${where} is not a URL: ${JSON.stringify(url)}`);
  }
}

/**
 * Where the check reaches the compose stack, from the compose file's text.
 *
 * @param composeYaml - the content of docker-compose.yml
 * @throws {@link ComposeFileError} naming the missing service or variable
 */
export function composeTargets(composeYaml: string): ComposeTargets {
  const compose: unknown = parse(composeYaml, { merge: true });
  const services = isObject(compose) && isObject(compose.services) ? compose.services : {};
  const lambda = services.lambda;
  const kinesis = services.kinesis;
  if (!isObject(lambda)) throw new ComposeFileError('no "lambda" service');
  if (!isObject(kinesis)) throw new ComposeFileError('no "kinesis" service');
  const environment = isObject(lambda.environment) ? lambda.environment : {};
  const variable = (name: string): string => {
    const value = environment[name];
    if (typeof value !== 'string' || value === '') {
      throw new ComposeFileError(`service "lambda" sets no ${name}`);
    }
    return value;
  };
  const kinesisUrl = variable('AWS_ENDPOINT_URL_KINESIS');
  return {
    invokeUrl: `http://localhost:${publishedPort(lambda, 'lambda', '8080')}${INVOKE_PATH}`,
    kinesisEndpoint: `http://localhost:${publishedPort(kinesis, 'kinesis', urlPort(kinesisUrl, 'lambda AWS_ENDPOINT_URL_KINESIS'))}`,
    predictionsStream: variable('PREDICTIONS_STREAM_NAME'),
    region: variable('AWS_REGION'),
    credentials: {
      accessKeyId: variable('AWS_ACCESS_KEY_ID'),
      secretAccessKey: variable('AWS_SECRET_ACCESS_KEY'),
    },
  };
}

/**
 * The `image:` of the compose lambda service: the tag CI builds, so that `compose up` runs the image just built.
 *
 * @throws {@link ComposeFileError} when the service names no image
 */
export function composeLambdaImage(composeYaml: string): string {
  const compose: unknown = parse(composeYaml, { merge: true });
  const services = isObject(compose) && isObject(compose.services) ? compose.services : {};
  const lambda = services.lambda;
  if (!isObject(lambda) || typeof lambda.image !== 'string') {
    throw new ComposeFileError('service "lambda" names no image');
  }
  return lambda.image;
}

/** The sequence numbers the expectations say must come back as predictions. */
export function expectedPredictions(expectations: InvokeExpectations): Set<string> {
  return new Set(
    Object.entries(expectations.records)
      .filter(([, outcome]) => outcome === 'prediction')
      .map(([sequenceNumber]) => sequenceNumber),
  );
}

/**
 * Judges a `TEST_RUN=False` invocation: the response must carry no results (they go to the stream), and the
 * predictions read back from the stream must answer the event as `docker:invoke`'s check requires of a `TEST_RUN=True`
 * response (well-formed, each record once, the expected outcome per record).
 *
 * @param event - the event that was POSTed
 * @param response - the parsed response body
 * @param streamed - prediction events read from the stream (only those answering this event's records)
 * @param expectations - per record: `"prediction"` (anything else would have gone to the quarantine, not the stream)
 */
export function judgeStreamedPredictions(
  event: KinesisStreamEvent,
  response: unknown,
  streamed: readonly unknown[],
  expectations: InvokeExpectations,
): InvokeCheck {
  const problems: string[] = [];
  if (!isObject(response))
    return { problems: ['the response is not a JSON object'], predicted: 0, rejectedByReason: {} };
  if (response.predictions !== undefined || response.rejected !== undefined) {
    problems.push('the response carries predictions: is TEST_RUN=False set on the function?');
  }
  const notPredicted = Object.entries(expectations.records).filter(([, outcome]) => outcome !== 'prediction');
  if (notPredicted.length > 0) {
    problems.push(
      `use an event whose records are all predicted: ${notPredicted.length} would go to the quarantine, not the stream`,
    );
  }
  const check = checkInvokeResponse(
    event,
    { ...response, predictions: streamed, rejected: [] },
    expectations,
  );
  return { ...check, problems: [...problems, ...check.problems] };
}

/** The sequence number a prediction event answers, if it is one. */
export function answeredSequenceNumber(prediction: unknown): string | undefined {
  if (!isObject(prediction) || !isObject(prediction.source)) return undefined;
  const sequenceNumber = prediction.source.sequence_number;
  return typeof sequenceNumber === 'string' ? sequenceNumber : undefined;
}
