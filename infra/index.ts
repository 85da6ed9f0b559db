/**
 * infra's public surface for the rest of the repository: what the lifecycle commands need to find and change a
 * deployment (names, the alias, the registry's place in the model bucket) and the command behind the Terraform run.
 * Lint lets scripts import this file and nothing else under infra/; infra never imports scripts. Kept light on
 * purpose (no CDKTF): the local stack and every lifecycle command import it.
 */
import path from 'node:path';
import { REPO_ROOT } from './paths';

export { ENVIRONMENTS, type Environment } from './config/schema';
export { deploymentOf, type Deployment } from './deployment';
export { InfraError } from './errors';
export { LIVE_ALIAS, registryPrefix } from './naming';

/**
 * The Terraform CLI of this app (`tsx <file> <apply|plan|destroy> <environment> [terraform options…]`): synthesizes
 * the environment's stack and runs `terraform init` and the action. Run it as a process: importing it runs it.
 */
export const TERRAFORM_CLI = path.join(REPO_ROOT, 'infra', 'terraform.ts');
