/**
 * The model lifecycle on the local stack, as an operator runs it: the stack runs in this process (announced in a
 * state file, as `npm start` does), and the commands run as separate processes with `--local`, exactly as typed. A
 * refused promotion, a promotion, records scored by the new run, a rollback, records scored by the old run again,
 * the history, and a smoke test that catches the wrong run answering.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RUN_ID, loadWhiteWine, readRuns } from '../../model';
import { freePort } from '../../scripts/emulators/ports';
import { parseLocalStackConfig } from '../../scripts/local-stack/config';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack/stack';
import type { BatchReport } from '../../scripts/poller';
import { wineRecord } from '../../scripts/records/wine';
import { putRecords } from '../../scripts/streams/producer';
import { StreamTail } from '../../scripts/streams/tail';
import { runScript } from '../helpers/scripts';

jest.setTimeout(240_000);

const CANDIDATE = '7572c494b7f99282d107a36e098bf452';
const ELEVEN = readRuns().runs.all!;

/** Runs a lifecycle CLI as a process, as `npm run …` would. */
const cli = (script: string, args: string[], env: NodeJS.ProcessEnv) =>
  runScript(path.join('scripts/lifecycle/cli', script), args, env);

describe('changing the model of a running local stack', () => {
  let stack: LocalStack;
  let env: NodeJS.ProcessEnv;
  let tail: StreamTail;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-'));
  const reports: BatchReport[] = [];
  const table = loadWhiteWine();
  let sent = 0;

  /** Puts `count` 3-feature records and returns the `version` of each of their predictions. */
  async function scoreRecords(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => `customer-${sent++}`);
    await putRecords(
      stack.kinesis,
      stack.config.inputStream,
      ids.map((id, i) => ({
        data: Buffer.from(
          JSON.stringify(wineRecord(table, i, ['alcohol', 'volatile acidity', 'sulphates'], id)),
        ),
        partitionKey: id,
      })),
    );
    const versions = new Map<string, string>();
    const deadline = Date.now() + 30_000;
    while (versions.size < count) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${count} predictions (got ${versions.size})`);
      const records = await tail.poll();
      for (const record of records) {
        const event = JSON.parse(Buffer.from(record.data).toString()) as {
          version: string;
          prediction: { customer_id: string };
        };
        if (ids.includes(event.prediction.customer_id))
          versions.set(event.prediction.customer_id, event.version);
      }
      // Between empty polls only: the poller hands batches to the function about every 250 ms.
      if (records.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [...new Set(versions.values())];
  }

  beforeAll(async () => {
    const config = parseLocalStackConfig({
      LOCAL_KINESIS_PORT: String(await freePort()),
      LOCAL_S3_PORT: String(await freePort()),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const stateFile = path.join(dir, 'state.json');
    stack = await startLocalStack(config, {
      stateFile,
      observer: { onBatch: (report) => reports.push(report) },
    });
    env = { ...process.env, LOCAL_STACK_STATE_FILE: stateFile };
    tail = await StreamTail.open(stack.kinesis, config.predictionsStream, 'LATEST');
  });

  afterAll(async () => {
    tail.close();
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to promote the 11-feature run while producers send 3 features, naming what is missing', async () => {
    // Act
    const run = await cli('promote.ts', ['--local', '--run-id', ELEVEN], env);

    // Assess
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('Verdict: REFUSE');
    expect(run.stdout).toMatch(/FAIL input contract: the candidate needs fixed acidity, citric acid, .*, pH/);
    expect(run.stdout).toMatch(
      /model:promote: refused by the gate: .*\(nothing changed; --force --reason "…" overrides\)/,
    );
    expect(stack.function.resolve('live')).toMatchObject({ version: '1', runId: DEFAULT_RUN_ID });
  });

  it('promotes the candidate without a restart: gate, version 2, alias moved, smoke test, record', async () => {
    // Act
    const run = await cli('promote.ts', ['--local', '--run-id', CANDIDATE], env);

    // Assess
    expect(run.stderr).not.toMatch(/model:promote:/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Verdict: PROMOTE');
    expect(run.stdout).toContain(`published version 2 (run ${CANDIDATE})`);
    expect(run.stdout).toMatch(
      new RegExp(`live: version 1 \\(run ${DEFAULT_RUN_ID}\\) → version 2 \\(run ${CANDIDATE}\\) in \\d+ ms`),
    );
    expect(run.stdout).toMatch(new RegExp(`smoke: passed: 5/5 canary predictions by run ${CANDIDATE} match`));
    expect(run.stdout).toContain(`model:promote: run ${CANDIDATE} is live: version 2`);
  });

  it('scores the next records with the new run, and the poller names it for each batch', async () => {
    // Prepare
    const before = reports.length;

    // Act
    const versions = await scoreRecords(20);

    // Assess
    expect(versions).toEqual([CANDIDATE]);
    const executed = reports.slice(before).map((r) => r.executed);
    expect(executed.length).toBeGreaterThan(0);
    expect(executed.every((e) => e?.version === '2' && e.runId === CANDIDATE)).toBe(true);
  });

  it('marks the live run in model:list', async () => {
    // Act
    const run = await runScript('scripts/models/list.ts', ['--local'], env);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${CANDIDATE}\\s+seed3.*← live on local \\(version 2\\)`));
    expect(run.stdout).not.toMatch(new RegExp(`${DEFAULT_RUN_ID}.*← live`));
  });

  it('rolls back in one step, and the next records are scored by the old run again', async () => {
    // Act
    const run = await cli('rollback.ts', ['--local'], env);
    const versions = await scoreRecords(10);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`live: version 2 \\(run ${CANDIDATE}\\) → version 1 \\(run ${DEFAULT_RUN_ID}\\) in \\d+ ms`),
    );
    expect(run.stdout).toContain(`model:rollback: rolled back: version 1 (run ${DEFAULT_RUN_ID}) is live`);
    expect(versions).toEqual([DEFAULT_RUN_ID]);
    expect(reports.at(-1)?.executed).toEqual({ version: '1', runId: DEFAULT_RUN_ID });
  });

  it('fails the smoke test, naming the run that answered, when another run serves than expected', async () => {
    // Act
    const run = await cli(
      'smoke.ts',
      ['--local', '--run-id', CANDIDATE, '--count', '2', '--timeout', '20'],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`FAIL: written by run ${DEFAULT_RUN_ID}, not ${CANDIDATE}`);
    expect(run.stdout).toMatch(/smoke: FAILED: [12]\/2 canaries failed/);
  });

  it('lists the refused promotion, the promotion and the rollback in model:history', async () => {
    // Act
    const run = await cli('history.ts', ['--local'], env);

    // Assess
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^3 records in s3:\/\/wine-models\/1\/registry\/local\/$/);
    expect(lines.slice(2).map((line) => line.split(/\s{2,}/).slice(1, 5))).toEqual([
      ['local', 'promote', 'refused', `${DEFAULT_RUN_ID.slice(0, 8)} v1 → ${ELEVEN.slice(0, 8)}`],
      ['local', 'promote', 'live', `${DEFAULT_RUN_ID.slice(0, 8)} v1 → ${CANDIDATE.slice(0, 8)} v2`],
      ['local', 'rollback', 'live', `${CANDIDATE.slice(0, 8)} v2 → ${DEFAULT_RUN_ID.slice(0, 8)} v1`],
    ]);
  });

  it('says in one line that no stack is running when --local finds none, changing nothing', async () => {
    // Act
    const run = await cli('rollback.ts', ['--local'], {
      ...env,
      LOCAL_STACK_STATE_FILE: path.join(dir, 'none.json'),
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      `model:rollback: no local stack is running (${path.join(dir, 'none.json')} does not exist): start one with npm start in another terminal`,
    ]);
  });
});
