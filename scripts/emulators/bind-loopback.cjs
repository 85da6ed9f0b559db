// Preloaded into kinesis-mock (`node -r`): it has no host option and listens on every interface. Forcing listen()
// onto 127.0.0.1 keeps the emulator off the network.
'use strict';
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const original = net.Server.prototype.listen;

net.Server.prototype.listen = function listen(...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    return original.call(this, { ...first, host: LOOPBACK }, ...args.slice(1));
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const rest = args.slice(1);
    if (typeof rest[0] === 'string' || rest[0] === undefined || rest[0] === null) rest.shift();
    return original.call(this, Number(first), LOOPBACK, ...rest);
  }
  return original.apply(this, args);
};
