import { buildTreesInline, trainForest } from '../../../../model/src/forest/forest';
import { presort } from '../../../../model/src/forest/presort';
import { createWorkerPool, type WorkerPool } from '../../../../model/src/forest/workerPool';
import { datasetOf } from '../../../helpers/modelFixtures';

jest.setTimeout(30_000);

describe('parallel training', () => {
  let pool: WorkerPool;

  beforeAll(() => {
    pool = createWorkerPool(2);
  });

  afterAll(async () => {
    await pool.close();
  });

  it('builds the same forest on worker threads as on the main thread', async () => {
    // Prepare
    const rows = Array.from({ length: 300 }, (_, i) => [(i * 37) % 101, (i * 13) % 29, i % 7]);
    const data = presort(
      datasetOf(
        rows,
        rows.map(([a, b]) => (a! + b!) % 3),
        [4, 5, 6],
      ),
    );
    const params = { kind: 'random-forest', trees: 20, max_features: 2, min_leaf: 1 } as const;

    // Act
    const inline = await trainForest(data, params, 17, buildTreesInline);
    const parallel = await trainForest(data, params, 17, pool.build);

    // Assess
    expect(parallel.trees).toHaveLength(20);
    expect(parallel).toEqual(inline);
  });

  it('rejects a worker count below one', () => {
    expect(() => createWorkerPool(0)).toThrow('worker count must be a positive integer');
  });
});
