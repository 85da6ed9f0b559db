// Lints code snippets as if they were files at given paths, with the repository's ESLint configuration, and prints
// each snippet's messages as JSON. A child process because ESLint loads its flat config with a dynamic import, which
// Jest's module sandbox does not support. Only the rules named in argv run, without type information (see the caller).
//
// stdin: [{ "filePath": "functions/core/x.ts", "code": "…" }, …]   argv: rule ids   stdout: [["rule: message", …], …]
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const rules = new Set(process.argv.slice(2));
const snippets = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => rules.has(ruleId),
});
const out = [];
for (const { filePath, code } of snippets) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  out.push(result.messages.map((m) => `${m.fatal ? 'fatal' : m.ruleId}: ${m.message}`));
}
process.stdout.write(JSON.stringify(out));
