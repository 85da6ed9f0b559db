/** Runs the project's TypeScript entry points in a child process, as `npm run` does, and collects what they print. */
import { spawn } from 'node:child_process';
import { REPO_ROOT, TSX_CLI } from './paths';

/** How a script ended: its exit code, stdout, stderr, and both interleaved as they came. */
export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

/** Runs `script` (relative to the repository root) with tsx and resolves when it exits. */
export function runScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX_CLI, script, ...args], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (output += chunk.toString())));
    child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), (output += chunk.toString())));
    child.on('exit', (code) => resolve({ code, stdout, stderr, output }));
  });
}
