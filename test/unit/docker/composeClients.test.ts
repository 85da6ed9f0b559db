/**
 * docker-compose.yml against the real Compose clients, where they are installed: v1 (`docker-compose`, Debian's
 * 1.29 package, which rejects a top-level `name:`) and v2 (`docker compose`). A client that is absent is reported as
 * skipped with the reason, never as passed. The file's contents are checked client-free in containerContract.test.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

interface Client {
  readonly label: string;
  readonly command: string;
  readonly prefix: readonly string[];
}

const CLIENTS: readonly Client[] = [
  { label: 'Compose v1 (docker-compose)', command: 'docker-compose', prefix: [] },
  { label: 'Compose v2 (docker compose)', command: 'docker', prefix: ['compose'] },
];

/** Runs a client with the repository as project directory (build contexts and volumes resolve against it). */
function compose(client: Client, file: string, ...args: string[]) {
  return spawnSync(client.command, [...client.prefix, '--project-directory', ROOT, '-f', file, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Why a client cannot run here, or `undefined` when it can. Probed once, at collection. */
function missing(client: Client): string | undefined {
  const probe = spawnSync(client.command, [...client.prefix, 'version'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.error)
    return `${client.command} is not installed (${(probe.error as NodeJS.ErrnoException).code})`;
  if (probe.status !== 0) {
    const said = `${probe.stderr}${probe.stdout}`.trim().split('\n')[0] ?? '';
    return `\`${[client.command, ...client.prefix].join(' ')} version\` exited ${String(probe.status)}: ${said}`;
  }
  return undefined;
}

const missingReasons = new Map(CLIENTS.map((client) => [client, missing(client)]));

for (const client of CLIENTS) {
  const reason = missingReasons.get(client);
  if (reason !== undefined) console.warn(`${client.label} checks skipped: ${reason}`);
  const suite = reason === undefined ? describe : describe.skip;

  suite(
    `docker-compose.yml under ${client.label}${reason === undefined ? '' : ` (skipped: ${reason})`}`,
    () => {
      it('validates with `config -q`', () => {
        // Act
        const result = compose(client, COMPOSE_FILE, 'config', '-q');

        // Assess
        expect(result.stderr.trim()).toBe('');
        expect(result.status).toBe(0);
      });
    },
  );
}

const v1 = CLIENTS[0]!;
const v1Missing = missingReasons.get(v1);
(v1Missing === undefined ? it : it.skip)(
  `Compose v1 rejects a top-level name:, which is why the file has none${v1Missing === undefined ? '' : ` (skipped: ${v1Missing})`}`,
  () => {
    // Prepare: the project's file with the key Compose v2 accepts and v1 does not
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-v1-'));
    const withName = path.join(dir, 'docker-compose.yml');
    fs.writeFileSync(withName, `name: wine-quality\n${fs.readFileSync(COMPOSE_FILE, 'utf8')}`);

    try {
      // Act
      const result = compose(v1, withName, 'config', '-q');

      // Assess
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/'name' does not match any of the regexes/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
