/**
 * Errors of the infrastructure app. Raised before synthesis, so a bad configuration never reaches Terraform.
 */

/** Base class: every infra error has a machine-readable `code`. */
export class InfraError extends Error {
  public readonly code: string;

  public constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InfraError';
    this.code = code;
  }
}

/** The configuration (or the environment name) is invalid; `problems` holds one line per bad field. */
export class InfraConfigError extends InfraError {
  public readonly problems: readonly string[];

  public constructor(problems: readonly string[], options?: ErrorOptions) {
    super(
      'INFRA_CONFIG_INVALID',
      `invalid infrastructure configuration:\n  - ${problems.join('\n  - ')}`,
      options,
    );
    this.name = 'InfraConfigError';
    this.problems = problems;
  }
}
