import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSignature, readRuns, runDir, runFiles } from '../../../model/src/artifacts';
import { ArtifactError } from '../../../model/src/errors';
import { registerRun } from '../../../model/src/runStore';

const SEED3 = 'a'.repeat(32);
const ALL = 'b'.repeat(32);

describe('run folders', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'model-runs-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('makes the 3-feature run the default whichever feature set is registered first', () => {
    // Act
    registerRun(root, 'all', ALL);
    const afterAll = readRuns(root);
    registerRun(root, 'seed3', SEED3);

    // Assess
    expect(afterAll).toEqual({ default: ALL, runs: { all: ALL } });
    expect(readRuns(root)).toEqual({ default: SEED3, runs: { seed3: SEED3, all: ALL } });
  });

  it('rejects a malformed run id before touching the file system', () => {
    expect(() => runDir('../../etc', root)).toThrow(ArtifactError);
    expect(() => runDir(SEED3.toUpperCase(), root)).toThrow('is not 32 lowercase hex characters');
  });

  it('names the missing files of an incomplete run folder', () => {
    // Prepare
    fs.writeFileSync(path.join(root, 'model.onnx'), '');

    // Act / Assess
    expect(() => runFiles(root)).toThrow(
      `run folder ${root} lacks signature.json, metrics.json, reference.json, MODEL_CARD.md`,
    );
  });

  it('reports an invalid signature with the file and the offending field', () => {
    // Prepare
    fs.writeFileSync(path.join(root, 'signature.json'), JSON.stringify({ run_id: 'nope' }));

    // Act / Assess
    expect(() => loadSignature(root)).toThrow(/signature\.json is invalid: .*run_id/s);
  });

  it('reports a runs.json that is not JSON', () => {
    // Prepare
    fs.writeFileSync(path.join(root, 'runs.json'), '{');

    // Act / Assess
    expect(() => readRuns(root)).toThrow(/runs\.json is not valid JSON/);
  });
});
