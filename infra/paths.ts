/**
 * Fixed locations of the infra app, all derived from the repository root so the app works from any clone.
 */
import path from 'node:path';

/** Repository root (this file lives in `<root>/infra/`). */
export const REPO_ROOT = path.resolve(__dirname, '..');
/** Where `npm run synth` writes `stacks/<environment>/cdk.tf.json`. */
export const SYNTH_OUTDIR = path.join(REPO_ROOT, 'infra', 'cdktf.out');
/** `infra/config/<environment>.json`. */
export const CONFIG_DIR = path.join(REPO_ROOT, 'infra', 'config');
/** The model's run index with the committed default run. */
export const RUNS_FILE = path.join(REPO_ROOT, 'model', 'artifacts', 'runs.json');
/** Local Terraform state (git-ignored `*.tfstate`), outside the synth output so a clean synth cannot lose it. */
export const LOCAL_STATE_DIR = path.join(REPO_ROOT, 'infra', 'state');

/** Directory terraform runs in for one synthesized stack. */
export function stackDirectory(outdir: string, stackName: string): string {
  return path.join(outdir, 'stacks', stackName);
}

/** `to` relative to `from`, `/`-separated (it is written into the synthesized JSON). */
export function relativePosix(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join('/');
}
