/**
 * `npx tsx model/src/cli/loadTime.ts [--run-id ID | --dir DIR] [--repeat N]`
 *
 * Measures a model's cold start as the function pays it: read `model.onnx` and create an onnxruntime session (one
 * intra-op thread, as on a 1-vCPU Lambda), then score one row. Run it in a fresh process; it prints milliseconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { ARTIFACT_FILES, ONNX_IO } from '../contract';
import { ARTIFACTS_ROOT } from '../paths';
import { loadSignature, readRuns, runDir } from '../runStore';
import { runCli } from './run';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'run-id': { type: 'string' },
      dir: { type: 'string' },
      repeat: { type: 'string', default: '1' },
    },
  });
  const dir = values.dir
    ? path.resolve(values.dir)
    : runDir(values['run-id'] ?? readRuns(ARTIFACTS_ROOT).default);
  const signature = loadSignature(dir);
  for (let i = 0; i < Number(values.repeat); i++) {
    const t0 = performance.now();
    const bytes = fs.readFileSync(path.join(dir, ARTIFACT_FILES.model));
    const t1 = performance.now();
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const t2 = performance.now();
    const row = new Float32Array(signature.features.length).fill(1);
    await session.run({ [ONNX_IO.input]: new ort.Tensor('float32', row, [1, row.length]) });
    const t3 = performance.now();
    await session.release();
    console.log(
      `${signature.run_id} (${signature.feature_set}, ${(bytes.length / 1e6).toFixed(2)} MB): read ${(t1 - t0).toFixed(0)} ms, ` +
        `session ${(t2 - t1).toFixed(0)} ms, read + session ${(t2 - t0).toFixed(0)} ms, first row ${(t3 - t2).toFixed(1)} ms`,
    );
  }
}

runCli(main);
