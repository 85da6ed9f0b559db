// @ts-check
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A restricted-import pattern for everything under a top-level folder. */
const area = (folder, message) => ({ group: [`**/${folder}/**`, `**/${folder}`], message });

/**
 * What code in `self` may not import: tests; scripts (a composition root nobody builds on); infra (scripts may use its
 * public entry point `infra/index.ts`, which the lifecycle commands need to find a deployment); the model's internals
 * (its entry points are `model/index.ts` and `model/src/contract.ts`).
 */
const outside = (self) =>
  [
    area('test', 'nothing outside test/ imports test/'),
    self === 'scripts'
      ? undefined
      : area('scripts', `${self} must not import scripts/ (scripts compose the others)`),
    self === 'infra'
      ? undefined
      : self === 'scripts'
        ? {
            // No '**/infra' here: gitignore semantics cannot re-include a file whose folder is excluded.
            group: ['**/infra/**', '!**/infra/index'],
            message: 'outside infra/, scripts import only infra/index.ts',
          }
        : area('infra', `${self} must not import infra/`),
    self === 'model'
      ? undefined
      : {
          group: ['**/model/src/**', '!**/model/src/contract'],
          message: 'outside model/, import model/index.ts or model/src/contract.ts',
        },
  ].filter((pattern) => pattern !== undefined);

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'infra/cdktf.out/', 'model/artifacts/', 'model/data/'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  // Imports run one way: the pure core ← the function's adapters ← composition roots (handlers, the local stack, the
  // CLIs). The model and the infrastructure are separate areas that others use only through their public entry points
  // (`model/index.ts` and the I/O-free `model/src/contract.ts`; the function's `functions/contract/`), and nothing
  // outside test/ imports tests. Each area's rule lists what it may not import; `no-restricted-imports` matches the
  // relative specifiers with gitignore patterns.
  {
    files: ['functions/**/*.ts'],
    ignores: ['functions/core/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...outside('functions')] }] },
  },
  {
    files: ['model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [area('functions', 'model must not depend on the function'), ...outside('model')] },
      ],
    },
  },
  {
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/functions/*', '!**/functions/contract'],
              message: "infra uses only the function's shared contract (functions/contract/)",
            },
            ...outside('infra'),
          ],
        },
      ],
    },
  },
  {
    // Configuration is parsed once and passed in (createDefaultHandler(config, { clients, telemetry })); code that
    // writes process.env would configure the function behind its back.
    files: ['functions/**/*.ts', 'scripts/**/*.ts', 'infra/**/*.ts', 'model/**/*.ts', 'docker/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(AssignmentExpression, UpdateExpression) > MemberExpression.left[object.object.name="process"][object.property.name="env"], AssignmentExpression > MemberExpression.left[object.object.name="process"][object.property.name="env"]',
          message: 'do not write process.env: pass configuration explicitly',
        },
        {
          selector:
            'CallExpression[callee.object.name=/^(Object|Reflect)$/][callee.property.name=/^(assign|deleteProperty|defineProperty)$/] > MemberExpression.arguments:first-child[object.name="process"][property.name="env"]',
          message: 'do not write process.env: pass configuration explicitly',
        },
        {
          selector:
            'UnaryExpression[operator="delete"] > MemberExpression[object.object.name="process"][object.property.name="env"]',
          message: 'do not write process.env: pass configuration explicitly',
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.ts', 'docker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...outside('scripts')] }] },
  },
  {
    // The pure core must stay free of AWS and ONNX imports and of I/O: adapters own the edges.
    files: ['functions/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@aws-sdk/*',
            '@smithy/*',
            'onnxruntime-node',
            '@aws-lambda-powertools/*',
            'node:fs',
            'fs',
            '**/adapters/*',
            ...outside('functions').flatMap((p) => p.group),
          ],
        },
      ],
    },
  },
);
