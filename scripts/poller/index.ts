/**
 * Room `scripts/poller/` — one job: Lambda's Kinesis event source mapping, in-process (batching, checkpoints, retries,
 * bisection, record age, on-failure destinations). This index is its public surface; other rooms import it, never its
 * files. See `poller.ts` for the entry point and docs for how each mapping setting behaves here.
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
export { listShardIds, listShards } from './list-shards';
export { ShardReader } from './shard-reader';
export type { ShardRecord } from './event';
export { createContext } from './context';
