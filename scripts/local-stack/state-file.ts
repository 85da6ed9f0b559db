/**
 * How a running `npm start` makes itself discoverable to a second process (`--local` in the lifecycle commands): a
 * small JSON file with its endpoints, bucket, streams and function, written once the stack is ready and removed when it
 * stops. Ports are configurable, so the file — not a port guess — is the one way to find the stack. Its location is
 * `.local-stack/state.json` in the repository (git-ignored), or `LOCAL_STACK_STATE_FILE`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../../model';

/** The variable that moves the state file (tests, or two stacks side by side). */
export const STATE_FILE_VARIABLE = 'LOCAL_STACK_STATE_FILE';

/** The default location, relative to the repository root. */
export const DEFAULT_STATE_FILE = '.local-stack/state.json';

/** What a running local stack announces. */
export const localStackStateSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  region: z.string(),
  kinesisEndpoint: z.url(),
  s3Endpoint: z.url(),
  lambdaEndpoint: z.url(),
  bucket: z.string().min(3),
  experimentId: z.string().min(1),
  inputStream: z.string().min(1),
  predictionsStream: z.string().min(1),
  functionName: z.string().min(1),
  alias: z.string().min(1),
});

export type LocalStackState = z.infer<typeof localStackStateSchema>;

/** `--local` found no running stack: the message says where it looked and how to start one. */
export class LocalStackNotRunningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStackNotRunningError';
  }
}

/** The state file's path: `LOCAL_STACK_STATE_FILE`, else `<repository>/.local-stack/state.json`. */
export function stateFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[STATE_FILE_VARIABLE];
  return path.resolve(
    REPO_ROOT,
    configured !== undefined && configured !== '' ? configured : DEFAULT_STATE_FILE,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Announces a stack. Refuses when the file names another stack that is still running, so two stacks never share it.
 *
 * @throws {Error} naming the other stack's pid and the variable that moves the file
 */
export function writeLocalStackState(file: string, state: LocalStackState): void {
  if (fs.existsSync(file)) {
    const other = readState(file);
    if (other !== undefined && other.pid !== state.pid && alive(other.pid)) {
      throw new Error(
        `another local stack (pid ${other.pid}) is announced in ${file}; stop it, or set ${STATE_FILE_VARIABLE} to another file`,
      );
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written beside and renamed, so a reader never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(localStackStateSchema.parse(state), null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/** Removes the file if it still announces `pid` (a newer stack may have taken it over). */
export function removeLocalStackState(file: string, pid: number): void {
  if (readState(file)?.pid === pid) fs.rmSync(file, { force: true });
}

/**
 * The running stack's state.
 *
 * @throws LocalStackNotRunningError when there is no file, it is unreadable, or its process has exited
 */
export function readLocalStackState(file: string = stateFilePath()): LocalStackState {
  if (!fs.existsSync(file)) {
    throw new LocalStackNotRunningError(
      `no local stack is running (${file} does not exist): start one with npm start in another terminal`,
    );
  }
  const state = readState(file);
  if (state === undefined) {
    throw new LocalStackNotRunningError(
      `${file} is not a local stack state file; delete it and run npm start`,
    );
  }
  if (!alive(state.pid)) {
    throw new LocalStackNotRunningError(
      `no local stack is running: ${file} names pid ${state.pid}, which has exited; run npm start`,
    );
  }
  return state;
}

function readState(file: string): LocalStackState | undefined {
  try {
    const parsed = localStackStateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
