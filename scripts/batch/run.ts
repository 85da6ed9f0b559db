/**
 * `npm run predict` as a function: options in, exit code out, text to the given streams. The CLI entry
 * (`predict.ts`) and the tests call this; it loads the model with the function's loader, opens the input and outputs
 * with the function's batch adapters and scores with the function's batch engine.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import {
  describeLocation,
  openInput,
  openOutput,
  parseFileLocation,
  type OpenedOutput,
} from '../../functions/adapters/batchFiles';
import { loadModel, type LoadedModel } from '../../functions/adapters/modelLoader';
import { loadModelInThread, type ThreadModel } from '../../functions/adapters/scoringThread';
import { BatchFileError } from '../../functions/batch/errors';
import type { OutputFormat } from '../../functions/batch/outputs';
import { scoreFile } from '../../functions/batch/scoreFile';
import { s3FolderSchema, type ModelLocation } from '../../functions/config';
import { FunctionError } from '../../functions/errors';
import { DEFAULT_RUN_ID, modelPrefix, runDir } from '../../model';
import { s3ClientFor } from '../models/s3-options';
import { defaultRejectsLocation, ExitCode, PredictUsageError, type PredictOptions } from './options';
import { createProgressReporter, type ProgressStream } from './progress';
import { predictReport, summaryText } from './report';

/** Where the run prints: the summary to `stdout`, progress and errors to `stderr`. */
export interface PredictIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  /** S3 client for s3:// locations (default: one for `--endpoint-url` / the SDK's environment). */
  readonly s3?: S3Client;
}

const s3Folder = s3FolderSchema;

/**
 * Where the model is: `--model-location` (folder or s3://), `--run-id` (committed folder, else the model bucket), or
 * the default committed run.
 *
 * @throws PredictUsageError when a run is neither committed nor reachable in a named bucket
 */
export function resolveModelLocation(options: PredictOptions): ModelLocation {
  if (options.modelLocation !== undefined) {
    if (!options.modelLocation.startsWith('s3://'))
      return { kind: 'local', directory: options.modelLocation };
    const parsed = s3Folder.safeParse(options.modelLocation);
    if (!parsed.success) {
      throw new PredictUsageError(
        `--model-location ${options.modelLocation} ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    return { kind: 's3', ...parsed.data };
  }
  const runId = options.runId ?? DEFAULT_RUN_ID;
  const committed = runDir(runId);
  if (fs.existsSync(committed)) return { kind: 'local', directory: committed };
  if (options.modelBucket === undefined) {
    throw new PredictUsageError(
      `run ${runId} is not committed in model/artifacts; name its bucket with --model-bucket (or MODEL_BUCKET)`,
    );
  }
  return {
    kind: 's3',
    bucket: options.modelBucket,
    prefix: modelPrefix(options.experimentId, runId).replace(/\/$/, ''),
  };
}

/** Output format from the output's name: `.csv` → CSV, anything else JSON Lines. */
export function outputFormatOf(output: string): OutputFormat {
  return output.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

/**
 * Runs one prediction; see the module comment.
 *
 * @returns the exit code ({@link ExitCode})
 */
export async function runPredict(options: PredictOptions, io: PredictIo): Promise<number> {
  const outputs: OpenedOutput[] = [];
  let s3 = io.s3;
  const needsS3 = [options.input, options.output, options.rejects ?? '', options.modelLocation ?? ''].some(
    (l) => l.startsWith('s3://'),
  );
  let model: LoadedModel | ThreadModel | undefined;
  try {
    const input = parseFileLocation(options.input);
    const output = parseFileLocation(options.output);
    const rejects = parseFileLocation(options.rejects ?? defaultRejectsLocation(options.output));
    const location = resolveModelLocation(options);
    if (s3 === undefined && (needsS3 || location.kind === 's3')) s3 = s3ClientFor(options.endpointUrl);

    const loadOptions = { intraOpNumThreads: options.threads, ...(s3 ? { s3 } : {}) };
    model = options.scoringThread
      ? await loadModelInThread(location, loadOptions)
      : await loadModel(location, loadOptions);
    const opened = await openInput(input, s3);
    outputs.push(await openOutput(output, s3));
    outputs.push(await openOutput(rejects, s3));
    const [predictions, rejected] = outputs as [OpenedOutput, OpenedOutput];
    const progress = createProgressReporter(io.stderr, {
      enabled: options.progress,
      totalBytes: opened.size,
    });

    const cpuBefore = process.cpuUsage();
    const summary = await scoreFile({
      file: describeLocation(input),
      chunks: opened.chunks,
      model: model.signature,
      scorer: model.scorer,
      format: options.format,
      batchSize: options.batchSize,
      // With the session on its own thread, the next batch is read while the last is scored.
      batchesInFlight: options.scoringThread ? 2 : 1,
      predictions: predictions.sink,
      predictionsFormat: outputFormatOf(options.output),
      rejects: rejected.sink,
      onProgress: (p) => progress.update(p),
    });
    await predictions.commit();
    await rejected.commit();
    outputs.length = 0;
    const cpu = process.cpuUsage(cpuBefore);
    progress.finish();

    const report = predictReport(summary, {
      signature: model.signature,
      modelLocation: model.location,
      output: predictions.location,
      rejects: rejected.location,
      batchSize: options.batchSize,
      scoringThread: options.scoringThread,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
    io.stdout.write(`${options.json ? JSON.stringify(report) : summaryText(report, model.signature)}\n`);
    if (summary.rejected > 0 && !options.allowRejects) {
      io.stderr.write(
        `predict: ${summary.rejected.toLocaleString('en-US')} rows rejected (see ${rejected.location}); ` +
          'exit code 1 (--allow-rejects exits 0)\n',
      );
      return ExitCode.rejectedRows;
    }
    return ExitCode.ok;
  } catch (error) {
    await Promise.all(outputs.map((o) => o.abort().catch(() => undefined)));
    io.stderr.write(`${errorLine(error)}\n`);
    return ExitCode.failed;
  } finally {
    if (model) await release(model);
    if (io.s3 === undefined) s3?.destroy();
  }
}

/** Ends the model's session: its thread, or the session on this one. */
function release(model: LoadedModel | ThreadModel): Promise<void> {
  return 'close' in model.scorer ? model.scorer.close() : model.scorer.session.release();
}

/** One line naming what failed: our errors carry their own precise message; anything else is prefixed. */
function errorLine(error: unknown): string {
  if (error instanceof BatchFileError) return `predict: ${error.message}`;
  if (error instanceof PredictUsageError) return `predict: ${error.message}\n(npm run predict -- --help)`;
  if (error instanceof FunctionError) return `predict: ${error.name}: ${error.message}`;
  return `predict: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
