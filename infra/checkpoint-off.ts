/**
 * Imported first by the infra entry points: CDKTF looks up HashiCorp's checkpoint (version and telemetry) service
 * unless `CHECKPOINT_DISABLE` is set, which fails slowly on a closed network and reports nothing we need. Only a
 * default: a user's own setting wins.
 */
// eslint-disable-next-line no-restricted-syntax -- a tool setting for CDKTF, not configuration of the function
process.env.CHECKPOINT_DISABLE ??= '1';
