// Preloaded into kinesis-mock (`node -r`): exits when the process that started it is gone. A stack stopped by
// SIGKILL (or a crashed test worker) cannot run its cleanup, and the emulator would otherwise outlive it as an orphan.
'use strict';

const parent = process.ppid;
const timer = setInterval(() => {
  // Re-parenting (to init or a subreaper) changes ppid; kill(pid, 0) throws once the parent is gone.
  let gone = process.ppid !== parent;
  try {
    process.kill(parent, 0);
  } catch {
    gone = true;
  }
  if (gone) process.exit(0);
}, 1000);
timer.unref();
