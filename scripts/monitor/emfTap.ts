/**
 * For the local demo: catches the EMF documents the in-process handler prints (Powertools writes one JSON line per
 * document to stdout) before they reach the terminal, and turns the drift ones into one readable line per batch.
 * In Lambda those lines become CloudWatch metrics; locally this is how they can be seen.
 */
import { DriftMetricName, FEATURE_DIMENSION } from '../../functions/contract/metrics';
import { psiLevel } from '../../functions/core/drift/psi';

/** One EMF document: `_aws` metadata plus dimension and metric values at the top level. */
export type EmfDocument = Readonly<Record<string, unknown>> & { readonly _aws: unknown };

/** Stops catching and gives the original `write` back. */
export interface EmfTap {
  /** The documents caught since the last call. */
  take(): EmfDocument[];
  restore(): void;
}

/**
 * Replaces `stream.write` with one that keeps EMF lines (JSON objects with `_aws`) and passes everything else on.
 *
 * @example
 * const tap = tapEmf();
 * // … invoke the handler …
 * console.log(driftLine(tap.take()));
 */
export function tapEmf(stream: NodeJS.WriteStream = process.stdout): EmfTap {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is; called with the stream as `this`
  const original = stream.write;
  let caught: EmfDocument[] = [];
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text =
      typeof chunk === 'string'
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk).toString('utf8')
          : '';
    const documents = text.startsWith('{"_aws"') ? parseLines(text) : undefined;
    if (!documents) return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    caught.push(...documents);
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    callback?.();
    return true;
  };
  stream.write = write;
  return {
    take() {
      const documents = caught;
      caught = [];
      return documents;
    },
    restore() {
      stream.write = original;
    },
  };
}

function parseLines(text: string): EmfDocument[] | undefined {
  try {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as EmfDocument);
  } catch {
    return undefined;
  }
}

/**
 * One line summing up the drift documents of a batch: each feature's window PSI (batch PSI in brackets when the batch
 * was large enough), the predicted classes' window PSI, and a marker on what is above the drift level.
 *
 * @returns undefined when the documents hold no drift metric (drift off, or the window is still short)
 * @example
 * driftLine(documents); // 'drift, window of 1000: alcohol 3.093 [3.101] DRIFT · volatile acidity 0.012 · …'
 */
export function driftLine(documents: readonly EmfDocument[]): string | undefined {
  const features = new Map<string, { window?: number; batch?: number }>();
  let prediction: number | undefined;
  let windowRecords: number | undefined;
  for (const document of documents) {
    const feature = document[FEATURE_DIMENSION];
    const number = (name: string) => (typeof document[name] === 'number' ? document[name] : undefined);
    if (typeof feature === 'string') {
      features.set(feature, {
        window: number(DriftMetricName.featurePsiWindow),
        batch: number(DriftMetricName.featurePsi),
      });
    } else {
      prediction = number(DriftMetricName.predictionPsiWindow) ?? prediction;
      windowRecords = number(DriftMetricName.windowRecords) ?? windowRecords;
    }
  }
  if (features.size === 0 && prediction === undefined) return undefined;
  const mark = (psi: number) => (psiLevel(psi) === 'drift' ? ' DRIFT' : '');
  const parts = [...features.entries()].flatMap(([name, { window, batch }]) =>
    window === undefined
      ? []
      : [`${name} ${window.toFixed(3)}${batch === undefined ? '' : ` [${batch.toFixed(3)}]`}${mark(window)}`],
  );
  if (prediction !== undefined) parts.push(`predicted quality ${prediction.toFixed(3)}${mark(prediction)}`);
  return `drift PSI, window of ${windowRecords ?? '?'} records [batch]: ${parts.join(' · ')}`;
}
