/**
 * Supply chain, offline (runs everywhere, unlike `npm audit`): the production dependency tree recorded in
 * package-lock.json is exactly the reviewed one in security/production-dependencies.json, pinned, integrity-hashed
 * and free of unexpected install scripts. It proves what gets installed; it does not prove those versions have no
 * known vulnerability (test/e2e/securityAudit.test.ts asks npm audit when the registry answers).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  dependencyPolicySchema,
  lockfileSchema,
  matchesPattern,
  productionPackages,
  unreviewedPackages,
} from '../../../../scripts/security/production-tree';
import { REPO_ROOT } from '../../../helpers/paths';

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));

const policy = dependencyPolicySchema.parse(readJson('security/production-dependencies.json'));
const lockfile = lockfileSchema.parse(readJson('package-lock.json'));
const packageJson = readJson('package.json') as { dependencies: Record<string, string> };
const production = productionPackages(lockfile);

describe('production dependency tree', () => {
  it('has exactly the reviewed direct dependencies, each pinned to one version', () => {
    // Act
    const direct = Object.keys(packageJson.dependencies).sort();
    const unpinned = Object.entries(packageJson.dependencies).filter(
      ([, version]) => !/^\d+\.\d+\.\d+$/.test(version),
    );

    // Assess
    expect(direct).toEqual([...policy.direct].sort());
    expect(unpinned).toEqual([]);
  });

  it('pulls in only packages a reviewed group names', () => {
    // Act
    const unreviewed = unreviewedPackages(production, policy);

    // Assess
    expect(production.length).toBeGreaterThan(policy.direct.length);
    expect(unreviewed).toEqual([]);
  });

  it('installs every production package from the registry with a sha512 integrity hash, none linked', () => {
    // Act
    const unverifiable = production
      .filter(
        (p) =>
          p.link ||
          !(p.integrity ?? '').startsWith('sha512-') ||
          (p.resolved !== undefined && !p.resolved.startsWith('https://registry.npmjs.org/')),
      )
      .map((p) => `${p.name}: ${p.resolved ?? '(registry)'} ${p.integrity ?? 'no integrity'}`);

    // Assess
    expect(unverifiable).toEqual([]);
  });

  it('runs no install script but the ones the policy lists with their mitigation', () => {
    // Act
    const withScripts = production.filter((p) => p.hasInstallScript).map((p) => p.name);

    // Assess (.npmrc's onnxruntime-node-install=skip is asserted in containerContract.test.ts)
    expect(withScripts.sort()).toEqual(Object.keys(policy.installScripts).sort());
  });

  it('would notice an unreviewed package and tell who requires it', () => {
    // Prepare
    const extra = { ...production[0]!, name: 'left-pad', version: '1.3.0', dependents: ['zod'] };

    // Act
    const unreviewed = unreviewedPackages([...production, extra], policy);

    // Assess
    expect(unreviewed).toEqual(['left-pad@1.3.0 (required by zod)']);
    expect(matchesPattern('@aws-sdk/core', '@aws-sdk/*')).toBe(true);
    expect(matchesPattern('@aws-sdk-evil/core', '@aws-sdk/*')).toBe(false);
  });
});
