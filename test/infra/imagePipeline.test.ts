import {
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ImageNotFoundException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { parseImageArguments, type ImageArguments } from '../../infra/image/arguments';
import { decodeAuthorizationToken } from '../../infra/image/ecr-auth';
import {
  BuildContextChangedError,
  CommandFailedError,
  EcrAuthError,
  InvalidImageArgumentsError,
} from '../../infra/image/errors';
import { spawnCommand } from '../../infra/image/build-and-push';
import { buildAndPushImage, type Command } from '../../infra/image/pipeline';

const HASH = '0f'.repeat(32);
const TAG = `src-${HASH.slice(0, 32)}-amd64`;
const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const REPOSITORY_URL = `${REGISTRY}/wine-quality-stage-scorer`;
const DIGEST = `sha256:${'9a'.repeat(32)}`;
const PASSWORD = 'eyJwYXlsb2FkIjoi-secret';

function args(extra: string[] = []): ImageArguments {
  const parsed = parseImageArguments(['--repository-url', REPOSITORY_URL, '--content-hash', HASH, ...extra]);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
}

/** Records commands instead of running them; optionally fails one program+subcommand. */
function recordingRunner(failOn?: string) {
  const commands: Command[] = [];
  const run = (command: Command): Promise<void> => {
    commands.push(command);
    const name = `${command.program} ${command.args[0] ?? ''}`;
    return name === failOn ? Promise.reject(new CommandFailedError(name, 1)) : Promise.resolve();
  };
  return { commands, run };
}

const unchangedContext = () => ({ hash: HASH, files: ['Dockerfile', 'package.json'] });

describe('image build-and-push script', () => {
  const ecr = mockClient(ECRClient);
  const client = new ECRClient({ region: 'eu-west-1' });
  const log = jest.fn<undefined, [string]>();

  beforeEach(() => {
    ecr.reset();
    log.mockReset();
  });

  /** Builds and pushes with the default arguments, an unchanged context and `runner` in place of docker. */
  const buildWith = (runner: ReturnType<typeof recordingRunner>) =>
    buildAndPushImage(args(), { ecr: client, run: runner.run, log, hashContext: unchangedContext });

  describe('arguments', () => {
    it('derives registry, repository name, region and tag from the repository URL and content hash', () => {
      // Prepare / Act
      const parsed = args();

      // Assess
      expect(parsed).toEqual({
        repositoryUrl: REPOSITORY_URL,
        registryHost: REGISTRY,
        repositoryName: 'wine-quality-stage-scorer',
        region: 'eu-west-1',
        expectedHash: HASH,
        tag: TAG,
        contextDir: '.',
        dockerfile: 'Dockerfile',
        platform: 'linux/amd64',
        dryRun: false,
      });
    });

    it('names every missing or malformed option in one error', () => {
      // Prepare / Act
      const attempt = (): unknown =>
        parseImageArguments(['--repository-url', 'docker.io/library/node', '--platform', 'windows/amd64']);

      // Assess
      expect(attempt).toThrow(InvalidImageArgumentsError);
      expect(attempt).toThrow(
        /--repository-url must look like.*--content-hash is required.*--platform must be one of/,
      );
    });

    it('rejects an unknown option', () => {
      // Prepare / Act / Assess
      expect(() => parseImageArguments(['--tag', 'latest'])).toThrow(InvalidImageArgumentsError);
    });

    it('answers --help without requiring other options', () => {
      // Prepare / Act / Assess
      expect(parseImageArguments(['--help'])).toBe('help');
    });
  });

  describe('ECR authorization token', () => {
    it('decodes base64 "AWS:<password>" into user and password', () => {
      // Prepare
      const token = Buffer.from(`AWS:${PASSWORD}`).toString('base64');

      // Act
      const decoded = decodeAuthorizationToken(token);

      // Assess
      expect(decoded).toEqual({ username: 'AWS', password: PASSWORD });
    });

    it('keeps colons that belong to the password', () => {
      // Prepare / Act
      const decoded = decodeAuthorizationToken(Buffer.from('AWS:a:b:c').toString('base64'));

      // Assess
      expect(decoded.password).toBe('a:b:c');
    });

    it.each([
      '',
      Buffer.from('no-separator').toString('base64'),
      Buffer.from(':only-password').toString('base64'),
    ])('rejects a malformed token %j', (token) => {
      // Prepare / Act / Assess
      expect(() => decodeAuthorizationToken(token)).toThrow(EcrAuthError);
    });
  });

  describe('build and push', () => {
    function givenTagMissingThenPushed(): void {
      ecr
        .on(DescribeImagesCommand)
        .rejectsOnce(new ImageNotFoundException({ message: 'not found', $metadata: {} }))
        .resolves({ imageDetails: [{ imageDigest: DIGEST, imageTags: [TAG] }] });
      ecr.on(GetAuthorizationTokenCommand).resolves({
        authorizationData: [
          {
            authorizationToken: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
            proxyEndpoint: `https://${REGISTRY}`,
          },
        ],
      });
    }

    it('logs in with the password on stdin, builds for Lambda, and pushes the content-hash tag', async () => {
      // Prepare
      givenTagMissingThenPushed();
      const runner = recordingRunner();

      // Act
      const result = await buildWith(runner);

      // Assess
      expect(runner.commands).toEqual([
        {
          program: 'docker',
          args: ['login', '--username', 'AWS', '--password-stdin', `https://${REGISTRY}`],
          input: PASSWORD,
        },
        {
          program: 'docker',
          args: [
            'build',
            '--platform',
            'linux/amd64',
            '--provenance=false',
            '--file',
            'Dockerfile',
            '--tag',
            `${REPOSITORY_URL}:${TAG}`,
            '.',
          ],
        },
        { program: 'docker', args: ['push', `${REPOSITORY_URL}:${TAG}`] },
      ]);
      expect(result).toEqual({ imageReference: `${REPOSITORY_URL}:${TAG}`, pushed: true, digest: DIGEST });
    });

    it('never puts the registry password on a command line or in the log', async () => {
      // Prepare
      givenTagMissingThenPushed();
      const runner = recordingRunner();

      // Act
      await buildWith(runner);

      // Assess
      for (const command of runner.commands) expect(command.args.join(' ')).not.toContain(PASSWORD);
      for (const [line] of log.mock.calls) expect(line).not.toContain(PASSWORD);
    });

    it('builds nothing when ECR already has the tag (immutable tags name their content)', async () => {
      // Prepare
      ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] });
      const runner = recordingRunner();

      // Act
      const result = await buildWith(runner);

      // Assess
      expect(runner.commands).toEqual([]);
      expect(ecr.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(0);
      expect(result).toEqual({ imageReference: `${REPOSITORY_URL}:${TAG}`, pushed: false, digest: DIGEST });
    });

    it('refuses to build when the sources changed after synth fixed the tag', async () => {
      // Prepare
      const runner = recordingRunner();
      const changed = () => ({ hash: 'ee'.repeat(32), files: ['Dockerfile'] });

      // Act
      const attempt = buildAndPushImage(args(), { ecr: client, run: runner.run, log, hashContext: changed });

      // Assess
      await expect(attempt).rejects.toThrow(BuildContextChangedError);
      expect(runner.commands).toEqual([]);
      expect(ecr.calls()).toHaveLength(0);
    });

    it('refuses credentials that log in to another account or region', async () => {
      // Prepare
      ecr
        .on(DescribeImagesCommand)
        .rejects(new ImageNotFoundException({ message: 'not found', $metadata: {} }));
      ecr.on(GetAuthorizationTokenCommand).resolves({
        authorizationData: [
          {
            authorizationToken: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
            proxyEndpoint: 'https://210987654321.dkr.ecr.us-east-1.amazonaws.com',
          },
        ],
      });
      const runner = recordingRunner();

      // Act
      const attempt = buildWith(runner);

      // Assess
      await expect(attempt).rejects.toThrow(/210987654321\.dkr\.ecr\.us-east-1.*wrong account or region/);
      expect(runner.commands).toEqual([]);
    });

    it('stops at the first failing docker command', async () => {
      // Prepare
      givenTagMissingThenPushed();
      const runner = recordingRunner('docker build');

      // Act
      const attempt = buildWith(runner);

      // Assess
      await expect(attempt).rejects.toThrow(CommandFailedError);
      expect(runner.commands.map((c) => c.args[0])).toEqual(['login', 'build']);
    });

    it('passes on ECR errors other than a missing tag (e.g. the repository does not exist)', async () => {
      // Prepare
      ecr
        .on(DescribeImagesCommand)
        .rejects(new RepositoryNotFoundException({ message: 'no such repository', $metadata: {} }));
      const runner = recordingRunner();

      // Act
      const attempt = buildWith(runner);

      // Assess
      await expect(attempt).rejects.toThrow(RepositoryNotFoundException);
      expect(runner.commands).toEqual([]);
    });

    it('prints the commands on a dry run without calling ECR or docker', async () => {
      // Prepare
      const runner = recordingRunner();

      // Act
      const result = await buildAndPushImage(args(['--dry-run', '--platform', 'linux/arm64']), {
        ecr: client,
        run: runner.run,
        log,
        hashContext: unchangedContext,
      });

      // Assess
      expect(ecr.calls()).toHaveLength(0);
      expect(runner.commands).toEqual([]);
      expect(result.pushed).toBe(false);
      const lines = log.mock.calls.map(([line]) => line);
      expect(lines).toContain(
        `would run: docker login --username AWS --password-stdin https://${REGISTRY} < <stdin>`,
      );
      expect(lines.some((l) => l.includes('docker build --platform linux/arm64 --provenance=false'))).toBe(
        true,
      );
    });
  });

  describe('command runner', () => {
    it('feeds stdin to the command and resolves on exit code 0', async () => {
      // Prepare
      const script = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.exit(s==='pw'?0:3))";

      // Act
      const run = spawnCommand({ program: process.execPath, args: ['-e', script], input: 'pw' });

      // Assess
      await expect(run).resolves.toBeUndefined();
    });

    it('rejects with the exit code of a failing command', async () => {
      // Prepare / Act
      const run = spawnCommand({ program: process.execPath, args: ['-e', 'process.exit(4)'] });

      // Assess
      await expect(run).rejects.toMatchObject({ name: 'CommandFailedError', exitCode: 4 });
    });

    it('rejects when the program does not exist', async () => {
      // Prepare / Act
      const run = spawnCommand({ program: 'no-such-program-for-image-tests', args: [] });

      // Assess
      await expect(run).rejects.toMatchObject({ name: 'CommandFailedError', exitCode: null });
    });
  });
});
