/**
 * The local stack's function, modelled on Lambda's own data model so the lifecycle commands can drive it with the same
 * API calls as a deployed function: `$LATEST` holds the current configuration (its environment, `RUN_ID` included),
 * `PublishVersion` freezes it into an immutable numbered version with its own handler, and an alias names the version
 * the event source mapping invokes. The poller resolves the alias before every batch ({@link LocalFunction.resolve}),
 * so moving it takes effect at the next batch without a restart. `lambda-api.ts` serves this over Lambda's REST API.
 */
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { AliasResolver, FunctionVersion } from '../poller';

/** A Lambda API error: its error type (the `x-amzn-errortype` the SDK turns into an exception name) and HTTP status. */
export class LambdaApiError extends Error {
  constructor(
    readonly type:
      | 'ResourceNotFoundException'
      | 'PreconditionFailedException'
      | 'InvalidParameterValueException'
      | 'ResourceConflictException',
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** `FunctionConfiguration` as Lambda returns it (the fields this stack has). */
export interface FunctionConfigurationShape {
  readonly FunctionName: string;
  readonly FunctionArn: string;
  readonly Version: string;
  readonly Description: string;
  readonly Environment: { readonly Variables: Readonly<Record<string, string>> };
  readonly PackageType: 'Image';
  readonly State: 'Active';
  readonly LastUpdateStatus: 'Successful';
  readonly LastModified: string;
  readonly RevisionId: string;
}

/** `AliasConfiguration` as Lambda returns it. */
export interface AliasConfigurationShape {
  readonly AliasArn: string;
  readonly Name: string;
  readonly FunctionVersion: string;
  readonly Description: string;
  readonly RevisionId: string;
}

/** A version's handler: the function's own `handler` signature (the context is optional, as in the function). */
export type VersionHandler = (event: KinesisStreamEvent, context?: Context) => Promise<unknown>;

/** Builds the handler of a version from its frozen environment (the local stack: `createDefaultHandler`). */
export type VersionFactory = (environment: Readonly<Record<string, string>>) => VersionHandler;

export interface LocalFunctionOptions {
  readonly name: string;
  /** `arn:aws:lambda:<region>:<account>:function:<name>`. */
  readonly arn: string;
  /** `$LATEST`'s environment at start. */
  readonly environment: Readonly<Record<string, string>>;
  readonly buildVersion: VersionFactory;
}

interface Version {
  readonly configuration: FunctionConfigurationShape;
  readonly handler: VersionHandler;
}

/** Lambda's version ids are positive integers; aliases must not look like one. */
const VERSION = /^[1-9][0-9]*$/;
const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;

/** One function: `$LATEST`, its published versions and its aliases, in memory for the life of the stack. */
export class LocalFunction {
  readonly name: string;
  readonly arn: string;
  private latest: FunctionConfigurationShape;
  /** Whether `$LATEST` changed since the newest version was published (Lambda then publishes nothing new). */
  private changedSincePublish = true;
  private readonly versions = new Map<string, Version>();
  private readonly aliases = new Map<string, AliasConfigurationShape>();
  private readonly buildVersion: VersionFactory;

  constructor(options: LocalFunctionOptions) {
    this.name = options.name;
    this.arn = options.arn;
    this.buildVersion = options.buildVersion;
    this.latest = this.configurationOf('$LATEST', options.environment, '');
  }

  /**
   * `GetFunctionConfiguration`: `$LATEST` without a qualifier, else the named version or the version an alias names.
   *
   * @throws LambdaApiError ResourceNotFoundException for an unknown version or alias
   */
  configuration(qualifier?: string): FunctionConfigurationShape {
    if (qualifier === undefined || qualifier === '' || qualifier === '$LATEST') return this.latest;
    return this.version(qualifier).configuration;
  }

  /**
   * `UpdateFunctionConfiguration`, environment only (the one setting the lifecycle changes). Lambda's update is
   * asynchronous; here it is done when the call returns, so `LastUpdateStatus` is already `Successful`.
   *
   * @throws LambdaApiError PreconditionFailedException when `revisionId` is not `$LATEST`'s current revision
   */
  updateConfiguration(update: {
    readonly environment: Readonly<Record<string, string>>;
    readonly revisionId?: string | undefined;
  }): FunctionConfigurationShape {
    this.checkRevision(update.revisionId, this.latest.RevisionId, `function ${this.name}`);
    this.latest = this.configurationOf('$LATEST', update.environment, this.latest.Description);
    this.changedSincePublish = true;
    return this.latest;
  }

  /**
   * `PublishVersion`: freezes `$LATEST` into the next numbered version and builds its handler (which starts loading
   * its model at once, as Lambda's init phase would). When nothing changed since the newest version, returns that
   * version instead, as Lambda does.
   *
   * @throws LambdaApiError PreconditionFailedException when `revisionId` is not `$LATEST`'s current revision
   */
  publishVersion(request: {
    readonly description?: string | undefined;
    readonly revisionId?: string | undefined;
  }) {
    this.checkRevision(request.revisionId, this.latest.RevisionId, `function ${this.name}`);
    const newest = [...this.versions.values()].at(-1);
    if (newest && !this.changedSincePublish) return newest.configuration;
    const number = String(this.versions.size + 1);
    const configuration = this.configurationOf(
      number,
      this.latest.Environment.Variables,
      request.description ?? '',
    );
    this.versions.set(number, {
      configuration,
      handler: this.buildVersion(configuration.Environment.Variables),
    });
    this.changedSincePublish = false;
    return configuration;
  }

  /** `ListVersionsByFunction`: `$LATEST`, then every version in ascending order. */
  listVersions(): FunctionConfigurationShape[] {
    return [this.latest, ...[...this.versions.values()].map((v) => v.configuration)];
  }

  /**
   * `CreateAlias`.
   *
   * @throws LambdaApiError ResourceConflictException when it exists; ResourceNotFoundException for an unknown version
   */
  createAlias(name: string, functionVersion: string, description = ''): AliasConfigurationShape {
    if (!ALIAS_NAME.test(name)) {
      throw new LambdaApiError(
        'InvalidParameterValueException',
        400,
        `alias name ${JSON.stringify(name)} is invalid`,
      );
    }
    if (this.aliases.has(name)) {
      throw new LambdaApiError('ResourceConflictException', 409, `Alias already exists: ${this.arn}:${name}`);
    }
    this.version(functionVersion);
    const alias = this.aliasOf(name, functionVersion, description);
    this.aliases.set(name, alias);
    return alias;
  }

  /**
   * `GetAlias`.
   *
   * @throws LambdaApiError ResourceNotFoundException when there is no such alias
   */
  getAlias(name: string): AliasConfigurationShape {
    const alias = this.aliases.get(name);
    if (!alias)
      throw new LambdaApiError('ResourceNotFoundException', 404, `Alias not found: ${this.arn}:${name}`);
    return alias;
  }

  /**
   * `UpdateAlias`: points it at another version. Batches already running keep their version.
   *
   * @throws LambdaApiError ResourceNotFoundException for an unknown alias or version; PreconditionFailedException
   *   when `revisionId` is not the alias's current revision (someone else moved it meanwhile)
   */
  updateAlias(
    name: string,
    update: {
      readonly functionVersion?: string | undefined;
      readonly description?: string | undefined;
      readonly revisionId?: string | undefined;
    },
  ): AliasConfigurationShape {
    const current = this.getAlias(name);
    this.checkRevision(update.revisionId, current.RevisionId, `alias ${name}`);
    const target = update.functionVersion ?? current.FunctionVersion;
    this.version(target);
    const alias = this.aliasOf(name, target, update.description ?? current.Description);
    this.aliases.set(name, alias);
    return alias;
  }

  /**
   * Runs a version's initialisation now (its handler with an empty batch, which loads the model), so a broken model
   * fails here rather than on the first batch.
   *
   * @throws whatever the handler throws (e.g. `ModelLoadError` naming the missing file)
   */
  async initialize(qualifier: string): Promise<void> {
    await this.version(qualifier).handler({ Records: [] });
  }

  /** The poller's view of an alias: the version it names now, resolved afresh for every batch. */
  resolver(aliasName: string): AliasResolver {
    return () => this.resolve(aliasName);
  }

  /**
   * The version an alias names, with its handler and run.
   *
   * @throws LambdaApiError ResourceNotFoundException for an unknown alias
   */
  resolve(aliasName: string): FunctionVersion {
    const { FunctionVersion: number } = this.getAlias(aliasName);
    const version = this.version(number);
    return {
      version: number,
      runId: version.configuration.Environment.Variables.RUN_ID ?? '',
      handler: version.handler,
    };
  }

  private version(qualifier: string): Version {
    const alias = this.aliases.get(qualifier);
    const number = alias ? alias.FunctionVersion : qualifier;
    const version = VERSION.test(number) ? this.versions.get(number) : undefined;
    if (!version) {
      throw new LambdaApiError(
        'ResourceNotFoundException',
        404,
        `Function not found: ${this.arn}:${qualifier} (versions: ${[...this.versions.keys()].join(', ') || 'none'})`,
      );
    }
    return version;
  }

  private checkRevision(given: string | undefined, current: string, what: string): void {
    if (given !== undefined && given !== '' && given !== current) {
      throw new LambdaApiError(
        'PreconditionFailedException',
        412,
        `The Revision Id provided does not match the latest Revision Id of ${what}. Call GetFunction/GetAlias to get the latest Revision Id`,
      );
    }
  }

  private configurationOf(
    version: string,
    environment: Readonly<Record<string, string>>,
    description: string,
  ): FunctionConfigurationShape {
    return Object.freeze({
      FunctionName: this.name,
      FunctionArn: version === '$LATEST' ? this.arn : `${this.arn}:${version}`,
      Version: version,
      Description: description,
      Environment: Object.freeze({ Variables: Object.freeze({ ...environment }) }),
      PackageType: 'Image',
      State: 'Active',
      LastUpdateStatus: 'Successful',
      LastModified: new Date().toISOString(),
      RevisionId: randomUUID(),
    });
  }

  private aliasOf(name: string, functionVersion: string, description: string): AliasConfigurationShape {
    return Object.freeze({
      AliasArn: `${this.arn}:${name}`,
      Name: name,
      FunctionVersion: functionVersion,
      Description: description,
      RevisionId: randomUUID(),
    });
  }
}
