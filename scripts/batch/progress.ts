/**
 * Progress of `npm run predict` on stderr: on a terminal one line redrawn in place (rows, rows/s and, when the input's
 * size is known, percent and ETA); otherwise a plain line every few seconds, so logs stay readable.
 */
import type { BatchProgress } from '../../functions/batch/scoreFile';

/** Where progress goes (process.stderr, or a fake in tests). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressReporter {
  update(progress: BatchProgress): void;
  /** Clears the redrawn line (terminal) before the summary is printed. */
  finish(): void;
}

/** Redraws at most this often on a terminal. */
const TTY_INTERVAL_MS = 100;
/** Prints at most this often elsewhere. */
const PLAIN_INTERVAL_MS = 5_000;

/** One progress line: `123,456 rows · 45,678 rows/s · 34% · ETA 0:12`. */
export function progressLine(progress: BatchProgress, totalBytes: number | undefined): string {
  const rate = progress.elapsedMs > 0 ? (progress.rows / progress.elapsedMs) * 1000 : 0;
  const parts = [
    `${progress.rows.toLocaleString('en-US')} rows`,
    `${Math.round(rate).toLocaleString('en-US')} rows/s`,
  ];
  if (totalBytes !== undefined && totalBytes > 0 && progress.bytesRead > 0) {
    const share = Math.min(1, progress.bytesRead / totalBytes);
    parts.push(`${Math.floor(share * 100)}%`);
    const remainingMs = share > 0 ? (progress.elapsedMs / share) * (1 - share) : 0;
    parts.push(`ETA ${clock(remainingMs)}`);
  }
  return parts.join(' · ');
}

/** `m:ss` (or `h:mm:ss`). */
export function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A reporter for `stream`: a progress bar when it is a terminal, periodic lines otherwise, nothing when disabled.
 *
 * @param totalBytes - the input's size, when known (percent and ETA)
 */
export function createProgressReporter(
  stream: ProgressStream,
  options: {
    readonly enabled: boolean;
    readonly totalBytes: number | undefined;
    readonly now?: () => number;
  },
): ProgressReporter {
  if (!options.enabled) return { update: () => undefined, finish: () => undefined };
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  let last = now();
  let drawn = false;
  return {
    update: (progress) => {
      const at = now();
      if (at - last < (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
      last = at;
      const line = progressLine(progress, options.totalBytes);
      if (tty) {
        stream.write(`\r\x1b[2K${bar(progress.bytesRead, options.totalBytes)}${line}`);
        drawn = true;
      } else {
        stream.write(`progress: ${line}\n`);
      }
    },
    finish: () => {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

const BAR_WIDTH = 24;

function bar(bytesRead: number, totalBytes: number | undefined): string {
  if (totalBytes === undefined || totalBytes <= 0) return '';
  const filled = Math.round(Math.min(1, bytesRead / totalBytes) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] `;
}
