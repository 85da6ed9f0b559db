/**
 * No credentials in the container image. containerContract.test.ts already shows that the runtime stage copies only
 * build-stage output and that .dockerignore excludes secret-looking names (on a list of example paths). This file
 * checks what is actually there: every file of the real build context (the same walk infra hashes, honouring
 * .dockerignore) by name and by content, the .npmrc the build copies, and the ENV/ARG instructions of the Dockerfile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { computeContextHash } from '../../../infra/image/context-hash';
import { REPO_ROOT } from '../../helpers/paths';
import { instructions } from '../../helpers/dockerfile';

/** File names that hold credentials or local environment by convention. */
const SECRET_NAMES = [
  /(^|\/)\.env(\.[^/]*)?$/,
  /\.(pem|key|p12|pfx|jks|keystore)$/,
  /(^|\/)(credentials|id_rsa|id_dsa|id_ecdsa|id_ed25519)$/,
  /(^|\/)\.aws\//,
  /(^|\/)\.(netrc|pgpass|git-credentials)$/,
];

/** Content that is a credential, whatever file it is in. */
const SECRET_CONTENT: readonly [string, RegExp][] = [
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['AWS secret key assignment', /aws_secret_access_key\s*[=:]\s*['"]?[A-Za-z0-9/+]{40}/i],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['npm registry auth', /_auth(Token)?\s*=/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
];

function secretsIn(text: string): string[] {
  return SECRET_CONTENT.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}

describe('container image credentials', () => {
  const { files } = computeContextHash(REPO_ROOT);

  it('sends no credential or environment file into the build context', () => {
    // Act
    const secretFiles = files.filter((file) => SECRET_NAMES.some((pattern) => pattern.test(file)));

    // Assess
    expect(files).toEqual(expect.arrayContaining(['Dockerfile', 'package-lock.json', '.npmrc']));
    expect(secretFiles).toEqual([]);
  });

  it('sends no file whose content is a credential', () => {
    // Act
    const findings = files.flatMap((file) =>
      secretsIn(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).map((secret) => `${file}: ${secret}`),
    );

    // Assess
    expect(findings).toEqual([]);
  });

  it('recognises each kind of credential it scans for', () => {
    // Prepare: AWS's documented example key pair and made-up tokens of each shape
    const samples = [
      'AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      '-----BEGIN RSA PRIVATE KEY-----',
      `npm_${'a1'.repeat(18)}`,
      '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
      `ghp_${'b2'.repeat(18)}`,
    ];

    // Act
    const found = samples.map(secretsIn);

    // Assess
    expect(found).toEqual(SECRET_CONTENT.map(([name]) => [name]));
    expect(secretsIn('AWS_ACCESS_KEY_ID=S3RVER (the emulators’ dummy credentials)')).toEqual([]);
  });

  it('passes no secret into the image through ENV or ARG', () => {
    // Prepare
    const steps = instructions(fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));

    // Act
    const variables = steps
      .filter((s) => s.op === 'ENV' || s.op === 'ARG')
      .map((s) => (s.args.split(/[=\s]/)[0] ?? '').toUpperCase());
    const secretLooking = variables.filter((name) =>
      /SECRET|TOKEN|PASSWORD|PASSWD|ACCESS_KEY|PRIVATE|CREDENTIAL|AUTH|AWS_/.test(name),
    );

    // Assess
    expect(variables.length).toBeGreaterThan(0);
    expect(secretLooking).toEqual([]);
  });
});
