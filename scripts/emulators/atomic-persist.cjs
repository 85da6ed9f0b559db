// Preloaded into kinesis-mock (`node -r`) when it persists its data. It rewrites its data file in place (truncate, then
// stream the JSON), so a kill that lands mid-write leaves a truncated file, and the next start dies on it
// (java.util.NoSuchElementException) instead of resuming: measured here when a SIGKILL followed a periodic persist.
// Writing to a sibling file and renaming it over the old one once it is complete makes each persist all-or-nothing: a kill
// keeps the previous complete snapshot. A process kill loses nothing the kernel already holds, so no fsync is needed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FILE_NAME = process.env.PERSIST_FILE_NAME || 'kinesis-data.json';
const original = fs.createWriteStream;

fs.createWriteStream = function createWriteStream(target, ...rest) {
  if (typeof target !== 'string' || path.basename(target) !== FILE_NAME)
    return original.call(this, target, ...rest);
  const partial = `${target}.partial`;
  const stream = original.call(this, partial, ...rest);
  // Hooked on end() rather than 'finish': kinesis-mock (fs2) removes every listener once the stream is ready, then
  // ends it with a callback, so the rename is done before it learns the write finished.
  const end = stream.end;
  stream.end = function endThenRename(...args) {
    const at = args.findIndex((arg) => typeof arg === 'function');
    const callback = at >= 0 ? args[at] : undefined;
    const renameThenCall = (error) => {
      let failure = error;
      if (!failure) {
        try {
          fs.renameSync(partial, target);
        } catch (renameError) {
          failure = renameError;
        }
      }
      if (callback) callback(failure);
    };
    if (at >= 0) args[at] = renameThenCall;
    else args.push(renameThenCall);
    return end.apply(this, args);
  };
  return stream;
};
