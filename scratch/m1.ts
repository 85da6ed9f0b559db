import { parse } from 'csv-parse';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { loadModel } from '../functions/adapters/modelLoader';
import { runDir, DEFAULT_RUN_ID } from '../model';
import { Tensor } from 'onnxruntime-node';
async function main() {
  const text = fs.readFileSync('model/data/winequality-red.csv', 'utf8');
  const lines = text.trim().split('\n');
  const header = lines[0];
  const body = lines.slice(1);
  const N = 200000;
  const out: string[] = [header!];
  for (let i = 0; i < N; i++) out.push(body[i % body.length]!);
  const big = out.join('\n') + '\n';
  let t = performance.now();
  let n = 0;
  const p = Readable.from([big]).pipe(parse({ delimiter: ';', from_line: 2, info: false }));
  for await (const rec of p) { n++; }
  console.log('csv-parse', n, (N / (performance.now() - t) * 1000).toFixed(0), 'rows/s');
  t = performance.now(); n = 0;
  const p2 = Readable.from([big]).pipe(parse({ delimiter: ';', from_line: 2, info: true }));
  for await (const rec of p2) { n++; }
  console.log('csv-parse info', n, (N / (performance.now() - t) * 1000).toFixed(0), 'rows/s');
  t = performance.now(); n = 0;
  for (const l of big.split('\n')) { const c = l.split(';'); n += c.length; }
  console.log('split', (N / (performance.now() - t) * 1000).toFixed(0), 'rows/s');
  for (const id of [DEFAULT_RUN_ID, '91b1c7226994a2fc47f9ea10a69dd96e']) {
  const model = await loadModel({ kind: 'local', directory: runDir(id) }, { intraOpNumThreads: 1 });
  const F = model.signature.features.length;
  for (const bs of [1000, 2000, 5000]) {
    const data = new Float32Array(bs * F);
    for (let i = 0; i < data.length; i++) data[i] = 1 + (i % 13) / 3;
    const tensor = new Tensor('float32', data, [bs, F]);
    await model.scorer.session.run({ input: tensor });
    t = performance.now();
    let rows = 0;
    while (performance.now() - t < 2000) { await model.scorer.session.run({ input: tensor }, ['label', 'probabilities']); rows += bs; }
    console.log(id.slice(0,6), 'F', F, 'bs', bs, (rows / (performance.now() - t) * 1000).toFixed(0), 'rows/s');
  }
  }
}
main();
