/**
 * The production dependency tree as `package-lock.json` (lockfile v3) records it, checked against the reviewed policy
 * in `security/production-dependencies.json`. Offline and deterministic: it judges exactly what `npm ci --omit=dev`
 * would install (npm ci itself enforces the recorded integrity hashes). It cannot tell whether a reviewed version has
 * a known vulnerability: that is `npm audit`'s job (see `audit.ts`).
 */
import { z } from 'zod';

/** `security/production-dependencies.json`. */
export const dependencyPolicySchema = z.object({
  $comment: z.string().optional(),
  /** Exactly the `dependencies` of package.json. */
  direct: z.array(z.string().min(1)),
  /** Every production package must match a name here: exact, or `@scope/*`. */
  allowed: z.array(z.object({ packages: z.array(z.string().min(1)).min(1), why: z.string().min(10) })),
  /** Production packages allowed to declare an install script, with how it is neutralised. */
  installScripts: z.record(z.string(), z.string().min(10)),
});

export type DependencyPolicy = z.infer<typeof dependencyPolicySchema>;

const lockEntrySchema = z.object({
  version: z.string().optional(),
  resolved: z.string().optional(),
  integrity: z.string().optional(),
  dev: z.boolean().optional(),
  devOptional: z.boolean().optional(),
  link: z.boolean().optional(),
  hasInstallScript: z.boolean().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
});

/** The part of a v3 lockfile read here. */
export const lockfileSchema = z.object({
  lockfileVersion: z.literal(3),
  packages: z.record(z.string(), lockEntrySchema),
});

/** One installed production package. */
export interface ProductionPackage {
  readonly name: string;
  readonly version: string;
  /** Its folder in the lockfile, e.g. `node_modules/@aws-sdk/core`. */
  readonly path: string;
  readonly integrity: string | undefined;
  readonly resolved: string | undefined;
  readonly link: boolean;
  readonly hasInstallScript: boolean;
  /** Names of the production packages (or `(root)`) that depend on it. */
  readonly dependents: readonly string[];
}

const nameOf = (lockPath: string) =>
  lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** Every lockfile entry that a production install (`--omit=dev`) keeps. */
export function productionPackages(lockfile: z.infer<typeof lockfileSchema>): ProductionPackage[] {
  const entries = Object.entries(lockfile.packages).filter(
    ([lockPath, entry]) => lockPath !== '' && entry.dev !== true && entry.devOptional !== true,
  );
  const dependents = new Map<string, string[]>();
  for (const [lockPath, entry] of Object.entries(lockfile.packages)) {
    if (entry.dev === true) continue;
    const parent = lockPath === '' ? '(root)' : nameOf(lockPath);
    for (const dependency of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      dependents.set(dependency, [...(dependents.get(dependency) ?? []), parent]);
    }
  }
  return entries.map(([lockPath, entry]) => ({
    name: nameOf(lockPath),
    version: entry.version ?? '?',
    path: lockPath,
    integrity: entry.integrity,
    resolved: entry.resolved,
    link: entry.link === true,
    hasInstallScript: entry.hasInstallScript === true,
    dependents: dependents.get(nameOf(lockPath)) ?? [],
  }));
}

/** Whether a package name matches a policy pattern: the exact name, or `@scope/*`. */
export function matchesPattern(name: string, pattern: string): boolean {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Production packages no `allowed` group names, as `name@version (required by …)`. */
export function unreviewedPackages(
  packages: readonly ProductionPackage[],
  policy: DependencyPolicy,
): string[] {
  const patterns = policy.allowed.flatMap((group) => group.packages);
  return packages
    .filter((p) => !patterns.some((pattern) => matchesPattern(p.name, pattern)))
    .map((p) => `${p.name}@${p.version} (required by ${p.dependents.join(', ') || 'nothing'})`);
}
