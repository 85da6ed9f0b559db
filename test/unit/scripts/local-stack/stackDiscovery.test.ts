import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  LocalStackNotRunningError,
  readLocalStackState,
  removeLocalStackState,
  stateFilePath,
  writeLocalStackState,
  type LocalStackState,
} from '../../../../scripts/local-stack/state-file';

const state = (pid: number): LocalStackState => ({
  pid,
  startedAt: '2026-12-02T10:00:00.000Z',
  region: 'us-east-1',
  kinesisEndpoint: 'http://127.0.0.1:4568',
  s3Endpoint: 'http://127.0.0.1:4569',
  lambdaEndpoint: 'http://127.0.0.1:4570',
  bucket: 'wine-models',
  experimentId: '1',
  inputStream: 'wine-input',
  predictionsStream: 'wine-predictions',
  functionName: 'wine-quality-scorer',
  alias: 'live',
});

/** The pid of a process that has exited. */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('how npm start is found by --local commands', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-state-'));
    file = path.join(dir, 'nested', 'state.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('announces a running stack and forgets it on stop', () => {
    // Act
    writeLocalStackState(file, state(process.pid));
    const read = readLocalStackState(file);
    removeLocalStackState(file, process.pid);

    // Assess
    expect(read).toEqual(state(process.pid));
    expect(fs.existsSync(file)).toBe(false);
  });

  it('says no stack is running when there is no file, or its process has exited', () => {
    // Prepare
    const dead = exitedPid();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stale.json'), JSON.stringify(state(dead)));

    // Act / Assess
    expect(() => readLocalStackState(file)).toThrow(
      new LocalStackNotRunningError(
        `no local stack is running (${file} does not exist): start one with npm start in another terminal`,
      ),
    );
    expect(() => readLocalStackState(path.join(dir, 'stale.json'))).toThrow(
      `names pid ${dead}, which has exited; run npm start`,
    );
  });

  it("refuses to take over another running stack's file, and leaves a file it does not own", () => {
    // Prepare
    writeLocalStackState(file, state(process.ppid));

    // Act
    const takeOver = () => writeLocalStackState(file, state(process.pid));
    removeLocalStackState(file, process.pid);

    // Assess
    expect(takeOver).toThrow(
      `another local stack (pid ${process.ppid}) is announced in ${file}; stop it, or set LOCAL_STACK_STATE_FILE to another file`,
    );
    expect(fs.existsSync(file)).toBe(true);
  });

  it('lives in .local-stack/ of the repository unless LOCAL_STACK_STATE_FILE moves it', () => {
    // Act / Assess
    expect(stateFilePath({})).toBe(path.resolve(__dirname, '../../../../.local-stack/state.json'));
    expect(stateFilePath({ LOCAL_STACK_STATE_FILE: file })).toBe(file);
  });
});
