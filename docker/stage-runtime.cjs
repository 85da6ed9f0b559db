// Stages the only node_modules the Lambda image needs next to the bundle: onnxruntime-node (its JavaScript and the
// native binaries of ONE Linux architecture) and onnxruntime-common, the one package it requires at run time. Its
// other dependencies (adm-zip, global-agent) serve only its install script, which the build skips (docs/development.md).
// Everything else is inside dist/handler.js. Plain CommonJS without dependencies: it runs in the Dockerfile's build
// stage before anything is compiled, and in the container tests.
//
// Usage: node docker/stage-runtime.cjs <source node_modules> <target node_modules> [amd64|arm64|x64]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ARCHES = { amd64: 'x64', x64: 'x64', arm64: 'arm64' };

/** Copies the files under `from` (relative paths) that `keep` accepts, creating folders; returns bytes copied. */
function copyTree(from, to, keep) {
  let bytes = 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      bytes += copyTree(source, target, keep);
    } else if (keep(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
      bytes += fs.statSync(target).size;
    }
  }
  return bytes;
}

function stage(sourceModules, targetModules, dockerArch) {
  const arch = ARCHES[dockerArch];
  if (!arch)
    throw new Error(
      `unsupported architecture ${dockerArch}: expected one of ${Object.keys(ARCHES).join(', ')}`,
    );
  const node = path.join(sourceModules, 'onnxruntime-node');
  const common = path.join(sourceModules, 'onnxruntime-common');
  const javascript = (name) => name.endsWith('.js') || name === 'package.json';
  let bytes = 0;
  for (const [dir, parts] of [
    [node, ['dist']],
    [common, [path.join('dist', 'cjs')]],
  ]) {
    const target = path.join(targetModules, path.basename(dir));
    fs.mkdirSync(target, { recursive: true });
    fs.copyFileSync(path.join(dir, 'package.json'), path.join(target, 'package.json'));
    for (const part of parts) bytes += copyTree(path.join(dir, part), path.join(target, part), javascript);
  }
  // bin/napi-v<N>/<platform>/<arch>/: keep linux/<arch> of every N-API version the package ships.
  const bin = path.join(node, 'bin');
  const napiVersions = fs.readdirSync(bin).filter((name) => /^napi-v\d+$/.test(name));
  for (const napi of napiVersions) {
    const native = path.join(bin, napi, 'linux', arch);
    if (!fs.existsSync(native)) throw new Error(`onnxruntime-node ships no ${napi}/linux/${arch} binaries`);
    bytes += copyTree(
      native,
      path.join(targetModules, 'onnxruntime-node', 'bin', napi, 'linux', arch),
      () => true,
    );
  }
  if (napiVersions.length === 0) throw new Error(`no bin/napi-v* folder in ${node}`);
  return bytes;
}

if (require.main === module) {
  const [source, target, dockerArch = 'amd64'] = process.argv.slice(2);
  if (!source || !target) {
    console.error(
      'usage: node docker/stage-runtime.cjs <source node_modules> <target node_modules> [amd64|arm64]',
    );
    process.exit(2);
  }
  const bytes = stage(source, target, dockerArch);
  console.log(
    `staged onnxruntime-node + onnxruntime-common (linux/${ARCHES[dockerArch]}): ${(bytes / 2 ** 20).toFixed(1)} MiB`,
  );
}

module.exports = { stage };
