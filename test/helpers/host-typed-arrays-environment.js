// Jest runs each test file in a vm context whose ArrayBuffer/typed-array constructors differ from the host realm's.
// onnxruntime-node's native binding creates host-realm arrays and checks inputs with `instanceof`, so a test that
// builds an int64 tensor fails with "A int64 tensor's data must be type of BigInt64Array". Sharing the host's
// constructors makes the sandbox behave like a plain Node process for these types.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class HostTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = HostTypedArraysEnvironment;
