import { parseRecordFile, RecordFileError } from '../../../../scripts/records/files';

describe('producer input', () => {
  it('reads JSON Lines with customer_id as partition key and refuses non-JSON lines unless raw', () => {
    // Prepare
    const content = '{"wine_features": {"alcohol": 9}, "customer_id": 7}\n\nnot json\n';

    // Act
    const raw = parseRecordFile('r.jsonl', content, { raw: true });

    // Assess
    expect(raw.map((r) => [Buffer.from(r.data).toString(), r.partitionKey])).toEqual([
      ['{"wine_features": {"alcohol": 9}, "customer_id": 7}', '7'],
      ['not json', '1'],
    ]);
    expect(() => parseRecordFile('r.jsonl', content)).toThrow(/r\.jsonl:3 is not JSON/);
    expect(() => parseRecordFile('r.txt', content)).toThrow(RecordFileError);
  });

  it('turns UCI CSV rows into records with all eleven features', () => {
    // Prepare
    const csv =
      '"fixed acidity";"volatile acidity";"citric acid";"residual sugar";"chlorides";"free sulfur dioxide";' +
      '"total sulfur dioxide";"density";"pH";"sulphates";"alcohol";"quality"\n7;0.27;0.36;20.7;0.045;45;170;1.001;3;0.45;8.8;6\n';

    // Act
    const [record] = parseRecordFile('white.csv', csv);

    // Assess
    const parsed = JSON.parse(Buffer.from(record!.data).toString()) as {
      wine_features: Record<string, number>;
    };
    expect(Object.keys(parsed.wine_features)).toHaveLength(11);
    expect(parsed).toMatchObject({
      wine_features: { alcohol: 8.8, 'volatile acidity': 0.27 },
      customer_id: 0,
    });
  });
});
