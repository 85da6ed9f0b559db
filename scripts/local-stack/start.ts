/**
 * `npm start`: the embedded local stack in the foreground. Prints a ready banner with AWS CLI commands, then one line
 * per batch, until Ctrl-C / SIGTERM stops everything it started. Configuration: environment variables, listed by
 * `npm start -- --help`. Exit codes: 0 stopped on request, 1 failed (a port taken, the emulator died, …), 2 bad config.
 */
import '../node20-sdk-warning';
import { loadSignature, runDir } from '../../model';
import { modelPrefix } from '../../model/src/contract';
import { LOCAL_STACK_VARIABLES, LocalStackConfigError, parseLocalStackConfig } from './config';
import { batchFileLine, batchLine, readyBanner } from './console-output';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../emulators/emulators';
import type { PollerLogger } from '../poller';
import { startLocalStack, type LocalStack } from './stack';
import { exampleRecordJson, loadWhiteWine } from '../records/wine';

function usage(): string {
  const rows = Object.entries(LOCAL_STACK_VARIABLES).map(
    ([name, [fallback, meaning]]) => `  ${name.padEnd(32)} ${meaning} (default: ${fallback})`,
  );
  return ['Usage: npm start [-- --help]', '', 'Environment variables:', ...rows].join('\n');
}

const logger: PollerLogger = {
  info: (message: string) => console.log(message),
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

function banner(stack: LocalStack): string {
  const signature = loadSignature(runDir(stack.runId));
  const { config } = stack;
  return readyBanner({
    kinesisEndpoint: stack.kinesisEndpoint,
    s3Endpoint: stack.s3Endpoint,
    lambdaEndpoint: stack.lambdaEndpoint,
    region: LOCAL_REGION,
    accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
    secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
    inputStream: config.inputStream,
    inputShards: config.inputShards,
    predictionsStream: config.predictionsStream,
    runId: stack.runId,
    featureSet: signature.feature_set,
    features: signature.features,
    modelUri: `s3://${config.bucket}/${modelPrefix(config.experimentId, stack.runId)}`,
    quarantineLocation: stack.quarantineLocation,
    onFailureLocation: stack.onFailureLocation,
    dir: stack.dir,
    dirKept: config.dir !== undefined,
    poller: config.poller,
    exampleRecord: exampleRecordJson(loadWhiteWine(), signature.features),
    examplePartitionKey: '123',
    bucket: config.bucket,
  });
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return 0;
  }
  let config;
  try {
    config = parseLocalStackConfig();
  } catch (error) {
    if (!(error instanceof LocalStackConfigError)) throw error;
    console.error(`npm start: ${error.message}\n\n${usage()}`);
    return 2;
  }

  console.log('Starting the local stack: kinesis-mock, s3rver, streams, model, handler, poller…');
  const quarantined = new Set<string>();
  let stack: LocalStack;
  try {
    stack = await startLocalStack(config, {
      stateFile: config.stateFile,
      logger,
      onQuarantined: (shardId, sequenceNumber) => quarantined.add(`${shardId}/${sequenceNumber}`),
      onBatchFile: (outcome) => console.log(batchFileLine(outcome)),
      observer: {
        onBatch: (report) => {
          let rejected = 0;
          for (const sequenceNumber of report.sequenceNumbers) {
            if (quarantined.delete(`${report.shardId}/${sequenceNumber}`)) rejected += 1;
          }
          console.log(batchLine(report, rejected));
        },
      },
    });
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(banner(stack));

  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal, and relayed by tsx), and a second signal
  // without a listener would kill it in the middle of stopping.
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => resolve(signal));
  });
  const failed = Promise.race([
    stack.emulatorExited,
    stack.poller.done.then(
      () => 'the poller ended: every input shard is closed',
      (error: unknown) =>
        `the poller failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    ),
  ]);
  const reason = await Promise.race([
    signalled.then((signal) => ({ signal })),
    failed.then((problem) => ({ problem })),
  ]);
  console.log(
    'signal' in reason ? `\n${reason.signal}: stopping…` : `npm start: ${reason.problem}; stopping…`,
  );
  await stack.stop();
  console.log('Stopped: poller, kinesis-mock and s3rver are down.');
  return 'signal' in reason ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Open keep-alive sockets of the SDK clients would hold the event loop for a while; everything is stopped.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
