import { quarantineKey, toQuarantineDocument } from '../../../../functions/core/quarantine';
import type { Rejection } from '../../../../functions/core/types';
import { RUN_ID, SHARD_ID, sequenceNumber } from '../../../helpers/factories';

const rejection: Rejection = {
  index: 4,
  reason: 'invalid_json',
  detail: 'record is not JSON: Unexpected end of JSON input',
  source: { shard_id: SHARD_ID, sequence_number: sequenceNumber(4), partition_key: 'k' },
  data_base64: 'eyJ3aW5l',
};

describe('quarantine documents', () => {
  it('holds reason, detail, source, the original bytes, the run id and the UTC receive time', () => {
    // Prepare
    const receivedAt = new Date('2025-03-09T23:59:58.123Z');

    // Act
    const document = toQuarantineDocument(rejection, RUN_ID, receivedAt);

    // Assess
    expect(document).toEqual({
      reason: 'invalid_json',
      detail: rejection.detail,
      source: rejection.source,
      data_base64: 'eyJ3aW5l',
      run_id: RUN_ID,
      received_at: '2025-03-09T23:59:58.123Z',
    });
  });

  it('is keyed {prefix}/{yyyy}/{mm}/{dd}/{shard_id}/{sequence_number}.json by UTC date', () => {
    // Prepare
    const document = toQuarantineDocument(rejection, RUN_ID, new Date('2025-03-09T23:59:58Z'));

    // Act
    const withPrefix = quarantineKey('quarantine', document);
    const withoutPrefix = quarantineKey('', document);

    // Assess
    expect(withPrefix).toBe(`quarantine/2025/03/09/${SHARD_ID}/${sequenceNumber(4)}.json`);
    expect(withoutPrefix).toBe(`2025/03/09/${SHARD_ID}/${sequenceNumber(4)}.json`);
  });
});
