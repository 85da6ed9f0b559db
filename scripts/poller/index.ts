/**
 * The local event-source poller: Lambda's Kinesis event source mapping, in-process. See `poller.ts` for the entry
 * point and the README's semantics table for how each mapping setting behaves here.
 */
export { EventSourcePoller, type PollerConfig } from './poller';
export {
  MAPPING_DEFAULTS,
  STARTING_POSITIONS,
  type EventSourceMappingOptions,
  type StartingPosition,
} from './options';
export { PollerConfigError, PollerError, FunctionTimeoutError } from './errors';
export {
  destinationFromLocation,
  folderDestination,
  memoryDestination,
  s3Destination,
  type FailureDestination,
} from './failure-destination';
export type { FailureCondition, OnFailureRecord, KinesisBatchInfo } from './failure-record';
export type {
  AliasResolver,
  BatchReport,
  DiscardReport,
  ExecutedVersion,
  FunctionVersion,
  KinesisHandler,
  PollerObserver,
} from './types';
export { silentLogger, type PollerLogger } from './logger';
