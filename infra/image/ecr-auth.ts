/**
 * ECR login data from `GetAuthorizationToken`: the token is base64 of `AWS:<password>`, valid 12 hours, for the
 * registry named in `proxyEndpoint`. The password is handed to `docker login --password-stdin`, never put on a
 * command line (where `ps` would show it).
 */
import { GetAuthorizationTokenCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { EcrAuthError } from './errors';

/** Credentials for `docker login` against one ECR registry. */
export interface EcrLogin {
  /** Always `AWS` for ECR tokens. */
  readonly username: string;
  readonly password: string;
  /** Registry endpoint, e.g. `https://123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  readonly registry: string;
  readonly expiresAt: Date | undefined;
}

/**
 * Decodes an ECR authorization token (`base64("AWS:<password>")`).
 *
 * @throws {@link EcrAuthError} when the token is not base64 of `user:password`.
 */
export function decodeAuthorizationToken(token: string): { username: string; password: string } {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0 || separator === decoded.length - 1) {
    throw new EcrAuthError('ECR authorization token is not base64 of "user:password"');
  }
  return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

/**
 * Asks ECR for a login to the caller's default registry and checks it is the registry the repository lives in.
 *
 * @param ecr - an ECR client for the repository's region.
 * @param registryHost - host part of the repository URL (`<account>.dkr.ecr.<region>.amazonaws.com`).
 * @throws {@link EcrAuthError} when ECR returns no token, or a token for another account or region (the AWS
 *   credentials in use do not belong to the account that owns the repository).
 */
export async function getEcrLogin(ecr: Pick<ECRClient, 'send'>, registryHost: string): Promise<EcrLogin> {
  const response = await ecr.send(new GetAuthorizationTokenCommand({}));
  const data = response.authorizationData?.[0];
  if (data?.authorizationToken === undefined || data.proxyEndpoint === undefined) {
    throw new EcrAuthError('ECR GetAuthorizationToken returned no authorization data');
  }
  const tokenHost = new URL(data.proxyEndpoint).host;
  if (tokenHost !== registryHost) {
    throw new EcrAuthError(
      `the AWS credentials in use log in to ${tokenHost}, but the repository is in ${registryHost} ` +
        '(wrong account or region)',
    );
  }
  const { username, password } = decodeAuthorizationToken(data.authorizationToken);
  return { username, password, registry: data.proxyEndpoint, expiresAt: data.expiresAt };
}
