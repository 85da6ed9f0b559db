import { createPredictionEncoder } from '../../../../functions/core/encode';
import type { FileCoordinates } from '../../../../functions/core/types';
import { createPredictionLineWriter } from '../../../../functions/batch/outputs';
import { signatureFor } from '../../../helpers/factories';

describe('JSON Lines prediction writer', () => {
  it("writes exactly JSON.stringify of the encoder's event, whatever the probabilities, ids and file name", () => {
    // Prepare: probabilities across the float32 range the encoder rounds (0, 1, 1e-6, tiny, long fractions, NaN).
    const signature = signatureFor('seed3', { classes: [-1, 3, 4, 10, 5] });
    const encode = createPredictionEncoder<FileCoordinates>(signature);
    const write = createPredictionLineWriter('jsonl');
    const rows = 64;
    const width = signature.classes.length;
    const probabilities = new Float32Array(rows * width);
    let seed = 7;
    const special = [0, 1, 1e-6, 4e-7, 0.5, 0.1234565, Number.NaN, 0.999999, 0.0000015];
    for (let i = 0; i < probabilities.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      probabilities[i] = i < special.length ? special[i]! : seed / 2 ** 31;
    }
    const labels = Array.from({ length: rows }, (_, r) => signature.classes[r % width]!);
    const ids = [undefined, 0, 123456789, 'plain', 'quo"te\\back', 'ünï\u2028cödé', ''];

    // Act
    const lines = Array.from({ length: rows }, (_, row) => {
      const source = { file: row < 32 ? 'data/wines "a".csv' : 's3://b/batch/input/x.csv', line: row + 2 };
      const event = encode(row, labels, probabilities, source, ids[row % ids.length]);
      return { written: write(event), expected: `${JSON.stringify(event)}\n` };
    });

    // Assess
    for (const { written, expected } of lines) expect(written).toBe(expected);
  });
});
