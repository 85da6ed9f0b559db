/**
 * The install-script policy (docs/development.md, "Install"): package.json's `allowScripts` decides, for every
 * package in the lockfile that declares an install script, whether npm may run it; .npmrc holds only options npm
 * defines, so `npm ci` prints neither "Unknown project config" nor "not yet covered by allowScripts".
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { lockfileSchema } from '../../../../scripts/security/production-tree';

const ROOT = path.resolve(__dirname, '../../../..');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

const packageJson = readJson('package.json') as { allowScripts?: Record<string, boolean> };
const lockfile = lockfileSchema.parse(readJson('package-lock.json'));
const allowScripts = packageJson.allowScripts ?? {};

/** Name of the package installed at a lockfile path (`node_modules/a/node_modules/@s/b` → `@s/b`). */
const packageName = (lockPath: string) => lockPath.slice(lockPath.lastIndexOf('node_modules/') + 13);

/** The allowScripts entry that applies to a package: a `name@version` pin first, then the bare name. */
function decision(name: string, version: string | undefined): boolean | undefined {
  return allowScripts[`${name}@${version ?? ''}`] ?? allowScripts[name];
}

describe('install scripts', () => {
  it('has an allowScripts decision for every lockfile package that declares an install script', () => {
    // Prepare
    const withScripts = Object.entries(lockfile.packages).filter(
      ([lockPath, entry]) => lockPath !== '' && entry.hasInstallScript === true,
    );

    // Act
    const uncovered = withScripts
      .map(([lockPath, entry]) => ({ name: packageName(lockPath), version: entry.version }))
      .filter(({ name, version }) => decision(name, version) === undefined)
      .map(({ name, version }) => `${name}@${version ?? '?'}`);

    // Assess
    expect(withScripts.length).toBeGreaterThan(0);
    expect(uncovered).toEqual([]);
  });

  it('lists no package the lockfile does not install (a stale entry hides nothing, but misleads)', () => {
    // Prepare
    const installed = new Set(
      Object.keys(lockfile.packages)
        .filter((p) => p !== '')
        .map(packageName),
    );

    // Act
    const stale = Object.keys(allowScripts).filter((key) => !installed.has(key.replace(/(?<=.)@[^@]*$/, '')));

    // Assess
    expect(stale).toEqual([]);
  });

  it("denies onnxruntime-node's script, which only downloads CUDA binaries from outside the npm registry", () => {
    // Act
    const onnxruntime = decision('onnxruntime-node', undefined);

    // Assess
    expect(onnxruntime).toBe(false);
  });

  it('keeps .npmrc to options npm defines: npm reads it without an unknown-config warning', () => {
    // Prepare: without the npm_config_* variables an npm script or npx exports, so only the project's .npmrc speaks
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));

    // Act
    const npm = spawnSync('npm', ['config', 'get', 'save-exact', '--loglevel', 'warn'], {
      cwd: ROOT,
      encoding: 'utf8',
      env,
    });

    // Assess
    expect(npm.status).toBe(0);
    expect(npm.stdout.trim()).toBe('true');
    expect(npm.stderr).not.toMatch(/Unknown project config/);
  });
});
