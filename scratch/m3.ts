import { createPredictionEncoder } from '../functions/core/encode';
import { loadSignature, runDir, DEFAULT_RUN_ID } from '../model';
const sig = loadSignature(runDir(DEFAULT_RUN_ID));
const enc = createPredictionEncoder(sig);
const bs = 1000; const C = sig.classes.length;
const labels = Array.from({ length: bs }, (_, i) => sig.classes[i % C]!);
const probs = new Float32Array(bs * C).map((_, i) => (i % 7) / 7 + 0.0123456);
function bench(name: string, f: (r: number) => unknown) {
  let t = performance.now(), n = 0;
  while (performance.now() - t < 1500) { for (let r = 0; r < bs; r++) f(r); n += bs; }
  console.log(name, (n / (performance.now() - t) * 1000).toFixed(0));
}
const src = { file: 'model/data/winequality-red.csv', line: 12 };
bench('encode', (r) => enc(r, labels, probs, src as any, undefined));
const ev = enc(0, labels, probs, src as any, undefined);
bench('stringify', () => JSON.stringify(ev));
bench('both', (r) => JSON.stringify(enc(r, labels, probs, src as any, undefined)));
