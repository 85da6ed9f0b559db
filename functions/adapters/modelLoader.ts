import type { S3Client } from '@aws-sdk/client-s3';
import type { ModelSignature } from '../../model/src/contract';
import type { ModelLocation } from '../config';
import type { Scorer } from '../core/scorer';
import { ModelLoadError } from '../errors';
import { fetchModelArtifacts, type ReferenceArtifact } from './modelStore';
import { createOnnxScorer, type OnnxScorer } from './onnxScorer';

/** A model ready to score, with what the cold-start log reports. Tests build these around fake scorers. */
export interface ReadyModel {
  readonly signature: ModelSignature;
  readonly scorer: Scorer;
  /** Folder the files came from. */
  readonly location: string;
  /** Fetch + session creation + graph check, in milliseconds. */
  readonly loadMs: number;
  /** `reference.json` beside the model, for drift monitoring; absent in tests that do not need it. */
  readonly reference?: ReferenceArtifact;
}

/** A {@link ReadyModel} scored by onnxruntime. */
export interface LoadedModel extends ReadyModel {
  readonly scorer: OnnxScorer;
}

export interface LoadModelOptions {
  readonly intraOpNumThreads: number;
  /** `RUN_ID` when set: the signature's `run_id` must equal it. */
  readonly expectedRunId?: string | undefined;
  /** Client for S3 locations. */
  readonly s3?: S3Client;
}

/**
 * Fetches, checks and opens a model. Not cached: see {@link loadModelOnce}.
 *
 * @throws ModelLoadError (or its subclasses ModelNotFoundError, ModelSignatureMismatchError) with a message naming
 *   the file or the disagreement
 */
export function loadModel(location: ModelLocation, options: LoadModelOptions): Promise<LoadedModel> {
  return loadWith(location, options, createOnnxScorer);
}

/** Fetches the model, checks its run id and opens it with `open` (`createOnnxScorer` or the thread scorer's). */
export async function loadWith<S extends Scorer>(
  location: ModelLocation,
  options: LoadModelOptions,
  open: (bytes: Uint8Array, signature: ModelSignature, options: { intraOpNumThreads: number }) => Promise<S>,
): Promise<ReadyModel & { readonly scorer: S }> {
  const started = performance.now();
  const artifacts = await fetchModelArtifacts(location, options.s3);
  const { signature } = artifacts;
  if (options.expectedRunId !== undefined && signature.run_id !== options.expectedRunId) {
    throw new ModelLoadError(
      `${artifacts.location}signature.json has run_id ${signature.run_id}, but RUN_ID is ${options.expectedRunId}`,
    );
  }
  const scorer = await open(artifacts.modelBytes, signature, {
    intraOpNumThreads: options.intraOpNumThreads,
  });
  return {
    signature,
    scorer,
    location: artifacts.location,
    loadMs: performance.now() - started,
    reference: artifacts.reference,
  };
}

// One load per container and location: concurrent first invocations share the promise instead of loading twice.
const cache = new Map<string, Promise<LoadedModel>>();

/**
 * {@link loadModel}, once per container for a given location and thread count. A failed load is forgotten, so the
 * next invocation tries again (an S3 hiccup at cold start must not poison the container for its lifetime).
 *
 * @example
 * const model = await loadModelOnce(config.model, { intraOpNumThreads: 1, s3 });
 */
export function loadModelOnce(location: ModelLocation, options: LoadModelOptions): Promise<LoadedModel> {
  const key = JSON.stringify([location, options.intraOpNumThreads, options.expectedRunId ?? null]);
  let loading = cache.get(key);
  if (!loading) {
    loading = loadModel(location, options);
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
  }
  return loading;
}

/** The model settings a function's configuration carries (both handlers' configs have them). */
export interface ModelSettings {
  readonly model: ModelLocation;
  readonly intraOpNumThreads: number;
  readonly expectedRunId: string | undefined;
}

/**
 * The model loader a handler is built with: {@link loadModelOnce} for the configured location, already started, so
 * the load runs during Lambda's init phase (it gets a full CPU burst there). A failure is not reported here: the first
 * invocation retries and reports it.
 */
export function startModelLoading(settings: ModelSettings, s3: S3Client): () => Promise<LoadedModel> {
  const load = () =>
    loadModelOnce(settings.model, {
      intraOpNumThreads: settings.intraOpNumThreads,
      expectedRunId: settings.expectedRunId,
      s3,
    });
  load().catch(() => undefined);
  return load;
}

/** Forgets every cached model (tests; a long-lived local process that switches models). */
export function resetModelCache(): void {
  cache.clear();
}
