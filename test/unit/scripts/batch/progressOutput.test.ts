import { clock, createProgressReporter, progressLine } from '../../../../scripts/batch/progress';

describe('predict progress', () => {
  it('shows rows, rows/s and, with a known size, percent and ETA', () => {
    // Act
    const known = progressLine({ rows: 250_000, bytesRead: 25, elapsedMs: 5_000 }, 100);
    const unknown = progressLine({ rows: 250_000, bytesRead: 25, elapsedMs: 5_000 }, undefined);

    // Assess
    expect(known).toBe('250,000 rows · 50,000 rows/s · 25% · ETA 0:15');
    expect(unknown).toBe('250,000 rows · 50,000 rows/s');
    expect(clock(3_725_000)).toBe('1:02:05');
  });

  it('redraws one line on a terminal and clears it at the end; prints plain lines every few seconds elsewhere', () => {
    // Prepare
    let now = 0;
    const tty: string[] = [];
    const plain: string[] = [];
    const onTty = createProgressReporter(
      { write: (t: string) => tty.push(t), isTTY: true },
      {
        enabled: true,
        totalBytes: 100,
        now: () => now,
      },
    );
    const onPipe = createProgressReporter(
      { write: (t: string) => plain.push(t), isTTY: false },
      {
        enabled: true,
        totalBytes: undefined,
        now: () => now,
      },
    );

    // Act: updates at 0.2 s steps for 6 s.
    for (let step = 1; step <= 30; step++) {
      now = step * 200;
      const progress = { rows: step * 1000, bytesRead: step * 3, elapsedMs: now };
      onTty.update(progress);
      onPipe.update(progress);
    }
    onTty.finish();

    // Assess
    expect(tty).toHaveLength(31);
    expect(tty[0]!.startsWith('\r\x1b[2K[')).toBe(true);
    expect(tty[0]).toMatch(/^[^[]*\[2K\[#*\.*\] 1,000 rows · 5,000 rows\/s · 3% · ETA/);
    expect(tty.at(-1)).toBe('\r\x1b[2K');
    expect(plain).toEqual(['progress: 25,000 rows · 5,000 rows/s\n']);
  });
});
