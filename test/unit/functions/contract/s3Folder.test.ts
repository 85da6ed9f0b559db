import { parseS3Folder, s3Key, s3Url, S3UrlError } from '../../../../functions/contract/s3Folder';

describe('S3 folder URLs', () => {
  it('reads s3:// folders without the slashes around the prefix', () => {
    // Act / Assess
    expect(parseS3Folder('s3://wine-models/quarantine/')).toEqual({
      bucket: 'wine-models',
      prefix: 'quarantine',
    });
    expect(parseS3Folder('s3://wine-models//1/run/artifacts/model/')).toEqual({
      bucket: 'wine-models',
      prefix: '1/run/artifacts/model',
    });
    expect(parseS3Folder('s3://wine-models')).toEqual({ bucket: 'wine-models', prefix: '' });
  });

  it.each([
    ['wine-models/quarantine', 'must be s3://bucket/prefix'],
    ['https://wine-models.s3.amazonaws.com/q', 'must be s3://bucket/prefix'],
    ['s3://Bad_Bucket/q', 'names "Bad_Bucket", which is not a valid S3 bucket name'],
    ['s3:///q', 'names "", which is not a valid S3 bucket name'],
    ['s3://ab/q', 'names "ab", which is not a valid S3 bucket name'],
  ])('refuses %s, saying why', (url, reason) => {
    // Act
    const attempt = () => parseS3Folder(url);

    // Assess
    expect(attempt).toThrow(S3UrlError);
    expect(attempt).toThrow(`${JSON.stringify(url)} ${reason}`);
  });

  it('prints a folder, an object in it, and the folder ready for file names', () => {
    // Prepare
    const folder = { bucket: 'wine-models', prefix: '1/run' };
    const bucket = { bucket: 'wine-models', prefix: '' };

    // Act / Assess
    expect(s3Url(folder)).toBe('s3://wine-models/1/run');
    expect(s3Url(folder, 'signature.json')).toBe('s3://wine-models/1/run/signature.json');
    expect(s3Url(folder, '')).toBe('s3://wine-models/1/run/');
    expect(s3Url(bucket, '')).toBe('s3://wine-models/');
    expect(s3Key(bucket, 'a.json')).toBe('a.json');
    expect(parseS3Folder(s3Url(folder))).toEqual(folder);
  });
});
