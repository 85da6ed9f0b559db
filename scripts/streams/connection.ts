/**
 * How the producer and reader scripts reach Kinesis: the SDK's usual resolution (AWS credentials chain, region,
 * `AWS_ENDPOINT_URL_KINESIS`), `--endpoint-url` / `--region` on the command line, or `--local` for the local stack
 * (http://localhost:4568 or LOCAL_KINESIS_PORT, its dummy credentials and region: docs/contract.md §7).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient, type ClientOptions } from '../../functions/adapters/aws-clients';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../emulators/emulators';
import { LOCAL_DEFAULTS } from '../local-stack/config';

/** `parseArgs` option definitions shared by the scripts. */
export const CONNECTION_OPTIONS = {
  local: { type: 'boolean', default: false },
  'endpoint-url': { type: 'string' },
  region: { type: 'string' },
} as const;

export const CONNECTION_USAGE = `Connection (default: the AWS SDK's credentials, region and AWS_ENDPOINT_URL_KINESIS):
  --local                 the local stack: http://localhost:\${LOCAL_KINESIS_PORT:-${LOCAL_DEFAULTS.kinesisPort}}, dummy credentials, ${LOCAL_REGION}
  --endpoint-url <url>    another Kinesis endpoint (e.g. http://localhost:${LOCAL_DEFAULTS.kinesisPort})
  --region <region>       AWS region`;

export interface ConnectionValues {
  readonly local?: boolean;
  readonly 'endpoint-url'?: string;
  readonly region?: string;
}

/** What a client is built with; `describe` says where it points, for the scripts' summaries. */
export function connectionOptions(
  values: ConnectionValues,
  env: NodeJS.ProcessEnv = process.env,
): ClientOptions & { describe: string } {
  if (values.local) {
    const endpoint =
      values['endpoint-url'] ?? `http://localhost:${env.LOCAL_KINESIS_PORT ?? LOCAL_DEFAULTS.kinesisPort}`;
    return {
      endpoint,
      region: values.region ?? LOCAL_REGION,
      credentials: { ...LOCAL_CREDENTIALS },
      describe: `local stack ${endpoint}`,
    };
  }
  const endpoint = values['endpoint-url'];
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
    describe: endpoint ?? env.AWS_ENDPOINT_URL_KINESIS ?? env.AWS_ENDPOINT_URL ?? 'AWS',
  };
}

export function kinesisClientFor(values: ConnectionValues): { client: KinesisClient; describe: string } {
  const { describe, ...options } = connectionOptions(values);
  return { client: createKinesisClient(options), describe };
}
