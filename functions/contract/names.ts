/**
 * Names and name rules the function, the scripts and the infrastructure share (docs/contract.md §4, §5). No imports,
 * so the infra app can read it cheaply.
 */

/** Kinesis stream names: 1–128 of a-z A-Z 0-9 _ . - */
export const KINESIS_STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

/** How a setting that breaks {@link KINESIS_STREAM_NAME} is refused. */
export const KINESIS_STREAM_NAME_RULE = 'must be a Kinesis stream name (1–128 of a-z A-Z 0-9 _ . -)';

/**
 * Key prefix of quarantine objects in the model bucket when `QUARANTINE_LOCATION` is not set: the function writes to
 * `s3://{MODEL_BUCKET}/quarantine/…`, the deployed bucket expires objects under it, the local stack reads them back.
 */
export const QUARANTINE_PREFIX = 'quarantine';
