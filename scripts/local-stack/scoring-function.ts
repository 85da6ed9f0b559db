/**
 * The scoring function as Lambda would run it locally: a {@link LocalFunction} whose every published version is the
 * real handler (`createDefaultHandler`) built from that version's frozen environment, with the caller's clients and
 * telemetry. `npm start` and the end-to-end harness both assemble it here, so a version means the same in both.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Telemetry } from '../../functions/adapters/observability';
import { parseConfig } from '../../functions/config';
import { createDefaultHandler } from '../../functions/handler';
import { LOCAL_REGION } from '../emulators/emulators';
import { LocalFunction } from './local-function';

/** The account in local ARNs: kinesis-mock's default, so the function's ARN matches its streams'. */
const LOCAL_ACCOUNT = '000000000000';

/** What the function is built from. */
export interface LocalScoringFunctionOptions {
  readonly name: string;
  /** `$LATEST`'s environment at start (docs/contract.md §5). */
  readonly environment: Readonly<Record<string, string>>;
  /** Emulator clients (dummy credentials): real credentials from the caller's shell never reach the emulators. */
  readonly clients: { readonly kinesis: KinesisClient; readonly s3: S3Client };
  readonly telemetry: Telemetry;
}

/**
 * Builds the function. A version whose environment the function's parser refuses fails its invocations, as a failed
 * init would in Lambda.
 */
export function localScoringFunction(options: LocalScoringFunctionOptions): LocalFunction {
  const { clients, telemetry } = options;
  return new LocalFunction({
    name: options.name,
    arn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${options.name}`,
    environment: options.environment,
    buildVersion: (environment) => {
      try {
        return createDefaultHandler(parseConfig(environment), { clients, telemetry });
      } catch (error) {
        return () => Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  });
}
