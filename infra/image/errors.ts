/**
 * Errors of the image pipeline (context hashing, ECR login, docker build/push). Each carries a machine-readable
 * `code` so the CLI can print one clear line and exit non-zero, and passes `cause` through.
 */
export class ImagePipelineError extends Error {
  /** Machine-readable error kind. */
  public readonly code: string;

  public constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImagePipelineError';
    this.code = code;
  }
}

/** The command line or an option is wrong; the message names the bad option. */
export class InvalidImageArgumentsError extends ImagePipelineError {
  public constructor(message: string, options?: ErrorOptions) {
    super('IMAGE_ARGUMENTS_INVALID', message, options);
    this.name = 'InvalidImageArgumentsError';
  }
}

/** The docker build context cannot be hashed (missing Dockerfile, or it would pull in outputs or dependencies). */
export class BuildContextError extends ImagePipelineError {
  public constructor(message: string, options?: ErrorOptions) {
    super('BUILD_CONTEXT_INVALID', message, options);
    this.name = 'BuildContextError';
  }
}

/**
 * The sources changed between `synth` (which fixed the image tag) and `apply` (which builds): building now would
 * push an image whose tag does not describe its content.
 */
export class BuildContextChangedError extends ImagePipelineError {
  public readonly expectedHash: string;
  public readonly actualHash: string;

  public constructor(expectedHash: string, actualHash: string) {
    super(
      'BUILD_CONTEXT_CHANGED',
      `the build context changed since synth (expected content hash ${expectedHash}, found ${actualHash}); ` +
        'run the synth step again, then apply',
    );
    this.name = 'BuildContextChangedError';
    this.expectedHash = expectedHash;
    this.actualHash = actualHash;
  }
}

/** ECR returned no usable authorization data. */
export class EcrAuthError extends ImagePipelineError {
  public constructor(message: string, options?: ErrorOptions) {
    super('ECR_AUTH_FAILED', message, options);
    this.name = 'EcrAuthError';
  }
}

/** An external command (docker) exited non-zero or could not be started. */
export class CommandFailedError extends ImagePipelineError {
  public readonly command: string;
  public readonly exitCode: number | null;

  public constructor(command: string, exitCode: number | null, options?: ErrorOptions) {
    super(
      'COMMAND_FAILED',
      exitCode === null
        ? `could not run: ${command}`
        : `command failed with exit code ${exitCode}: ${command}`,
      options,
    );
    this.name = 'CommandFailedError';
    this.command = command;
    this.exitCode = exitCode;
  }
}
