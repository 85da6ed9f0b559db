/**
 * Where model.yml may read labelled data from: S3, HTTPS, or a file inside the repository; anything else is refused
 * with the location quoted.
 */
import path from 'node:path';
import { DataLocationError, parseDataLocation } from '../../../../scripts/ci/dataLocation';

const ROOT = path.resolve('/repo');

describe('data location', () => {
  it.each([
    ['s3://acme-labels/wine/2026-12.csv', { kind: 's3', bucket: 'acme-labels', key: 'wine/2026-12.csv' }],
    ['https://data.example.org/wine.csv', { kind: 'https', url: 'https://data.example.org/wine.csv' }],
    [
      'model/data/winequality-white.csv',
      { kind: 'repository', file: path.join(ROOT, 'model/data/winequality-white.csv') },
    ],
  ])('accepts %s', (text, expected) => {
    // Act / Assess
    expect(parseDataLocation(text, ROOT)).toEqual(expected);
  });

  it.each([
    ['http://data.example.org/wine.csv', 'uses http'],
    ['ftp://data.example.org/wine.csv', 'uses ftp'],
    ['s3://acme-labels', 'is not an S3 object URL'],
    ['../outside.csv', 'is outside the repository'],
    ['/etc/passwd', 'is outside the repository'],
    ['  ', 'the data location is empty'],
  ])('refuses %s', (text, reason) => {
    // Act / Assess
    expect(() => parseDataLocation(text, ROOT)).toThrow(DataLocationError);
    expect(() => parseDataLocation(text, ROOT)).toThrow(reason);
  });
});
