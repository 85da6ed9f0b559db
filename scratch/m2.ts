import fs from 'node:fs';
import { loadModel } from '../functions/adapters/modelLoader';
import { createPredictionEncoder } from '../functions/core/encode';
import { createRecordValidator } from '../functions/core/validate';
import { runDir, DEFAULT_RUN_ID } from '../model';
import { Tensor } from 'onnxruntime-node';
async function main() {
  const text = fs.readFileSync('model/data/winequality-red.csv', 'utf8');
  const lines = text.trim().split('\n');
  const header = lines[0]!.split(';').map((h) => JSON.parse(h) as string);
  const rows = lines.slice(1).map((l) => l.split(';').map(Number));
  for (const id of [DEFAULT_RUN_ID, '91b1c7226994a2fc47f9ea10a69dd96e']) {
    const model = await loadModel({ kind: 'local', directory: runDir(id) }, { intraOpNumThreads: 1 });
    const feats = model.signature.features;
    const idx = feats.map((f) => header.indexOf(f));
    const F = feats.length;
    for (const bs of [1000, 5000]) {
      const data = new Float32Array(bs * F);
      for (let r = 0; r < bs; r++) for (let j = 0; j < F; j++) data[r * F + j] = rows[r % rows.length]![idx[j]!]!;
      const tensor = new Tensor('float32', data, [bs, F]);
      await model.scorer.session.run({ input: tensor });
      let t = performance.now();
      let n = 0;
      let out: any;
      while (performance.now() - t < 2000) { out = await model.scorer.session.run({ input: tensor }, ['label', 'probabilities']); n += bs; }
      console.log(id.slice(0, 6), 'F', F, 'bs', bs, (n / (performance.now() - t) * 1000).toFixed(0), 'rows/s real rows');
      const enc = createPredictionEncoder(model.signature);
      const labels = Array.from(out.label.data as BigInt64Array, Number);
      const probs = out.probabilities.data as Float32Array;
      t = performance.now(); n = 0;
      let bytes = 0;
      while (performance.now() - t < 1000) { for (let r = 0; r < bs; r++) { const e = enc(r, labels, probs, { file: 'x.csv', line: r } as any, undefined); bytes += JSON.stringify(e).length; } n += bs; }
      console.log('  encode+stringify', (n / (performance.now() - t) * 1000).toFixed(0), 'rows/s');
      const v = createRecordValidator(feats);
      t = performance.now(); n = 0;
      while (performance.now() - t < 1000) { for (let r = 0; r < bs; r++) { const row = rows[r % rows.length]!; const wf: Record<string, number> = {}; for (let j = 0; j < F; j++) wf[feats[j]!] = row[idx[j]!]!; v({ wine_features: wf }); } n += bs; }
      console.log('  validate', (n / (performance.now() - t) * 1000).toFixed(0), 'rows/s');
    }
  }
}
main();
