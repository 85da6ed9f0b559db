import { interpretResponse } from '../../../../scripts/poller/response';

const batch = ['100', '200', '300'];

describe('batch response (ReportBatchItemFailures)', () => {
  it.each([
    ['no response', undefined],
    ['null', null],
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
    ['an object without the list', { predictions: [] }],
  ])('treats %s as success', (_name, response) => {
    // Act & Assess
    expect(interpretResponse(response, batch, true)).toEqual({ kind: 'success' });
  });

  it('points at the record with the lowest failed sequence number', () => {
    // Act
    const verdict = interpretResponse(
      { batchItemFailures: [{ itemIdentifier: '300' }, { itemIdentifier: '200' }] },
      batch,
      true,
    );

    // Assess
    expect(verdict).toEqual({ kind: 'partial', failedIndex: 1 });
  });

  it.each([
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a wrongly named key', { batchItemFailures: [{ itemId: '100' }] }],
    ['a sequence number from elsewhere', { batchItemFailures: [{ itemIdentifier: '999' }] }],
    ['a list that is not a list', { batchItemFailures: 'nope' }],
  ])('fails the whole batch for %s', (_name, response) => {
    // Act & Assess
    expect(interpretResponse(response, batch, true).kind).toBe('failure');
  });

  it('ignores the response body when the mapping does not report item failures', () => {
    // Act & Assess
    expect(interpretResponse({ batchItemFailures: [{ itemIdentifier: '100' }] }, batch, false)).toEqual({
      kind: 'success',
    });
  });
});
