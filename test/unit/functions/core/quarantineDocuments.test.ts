import {
  parseQuarantineKey,
  quarantineDayPrefix,
  quarantineKey,
  toQuarantineDocument,
} from '../../../../functions/core/quarantine';
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

  it('reads its own keys back, with or without a prefix, and nothing else', () => {
    // Prepare
    const document = toQuarantineDocument(rejection, RUN_ID, new Date('2025-03-09T23:59:58Z'));
    const parts = { day: '2025-03-09', shardId: SHARD_ID, sequenceNumber: sequenceNumber(4) };

    // Act / Assess
    expect(parseQuarantineKey(quarantineKey('run-1/quarantine', document), 'run-1/quarantine')).toEqual(
      parts,
    );
    expect(parseQuarantineKey(quarantineKey('', document), '')).toEqual(parts);
    expect(parseQuarantineKey(quarantineKey('quarantine', document), 'other')).toBeUndefined();
    expect(parseQuarantineKey('quarantine/2025/03/09/notes.txt', 'quarantine')).toBeUndefined();
    expect(parseQuarantineKey(`quarantine/2025/3/9/${SHARD_ID}/1.json`, 'quarantine')).toBeUndefined();
  });

  it('lists one UTC day under a prefix, the start of every key of that day', () => {
    // Prepare
    const document = toQuarantineDocument(rejection, RUN_ID, new Date('2025-03-09T23:59:58Z'));

    // Act
    const day = quarantineDayPrefix('quarantine', new Date('2025-03-09T00:00:00Z'));

    // Assess
    expect(day).toBe('quarantine/2025/03/09/');
    expect(quarantineKey('quarantine', document).startsWith(day)).toBe(true);
    expect(quarantineDayPrefix('', '2025-03-10T01:00:00.000Z')).toBe('2025/03/10/');
  });
});
