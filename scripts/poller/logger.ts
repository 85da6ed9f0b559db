/** The little the poller logs: where it reads from, lost and regained connections, discarded batches. */
export type PollerLogger = Pick<Console, 'info' | 'warn' | 'error'>;

/** Drops everything (tests that assert on behaviour, not on log lines). */
export const silentLogger: PollerLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
