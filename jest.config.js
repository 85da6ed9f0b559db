// Several projects so the fast unit suite runs alone (`npm run test:unit`) while `npm test` runs everything.
// Node 20 is supported here for local use; the SDK's per-client deprecation warning only clutters test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('ts-jest').TsJestTransformerOptions} */
const tsJest = { diagnostics: false };
// Type errors are caught by `npm run check` (tsc --noEmit); with `isolatedModules` in tsconfig ts-jest only transpiles.
const transform = { '^.+\\.ts$': ['ts-jest', tsJest] };

/** @param {string} name @param {object} extra */
const project = (name, extra = {}) => ({
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  transform,
  // onnxruntime-node checks typed arrays with instanceof; Jest's vm sandbox has its own constructors.
  testEnvironment: '<rootDir>/test/helpers/host-typed-arrays-environment.js',
  moduleFileExtensions: ['ts', 'js', 'json'],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit'),
    project('integration', { slowTestThreshold: 30 }),
    project('e2e', { slowTestThreshold: 60 }),
    project('infra', { setupFilesAfterEnv: ['<rootDir>/test/helpers/cdktf-jest-setup.ts'] }),
  ],
};
