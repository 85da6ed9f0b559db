/**
 * Imported first by each command-line entry point: on Node 20 the AWS SDK prints a support warning for every client
 * it creates, which would bury the commands' own output. Node 22 (the Lambda image) never prints it. Only a default:
 * a user's own setting wins. The one place outside tests that writes to `process.env`.
 */
// eslint-disable-next-line no-restricted-syntax -- a display default for the SDK, not configuration of the function
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
