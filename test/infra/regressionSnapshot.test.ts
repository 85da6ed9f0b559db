import { CONTENT_HASH, IMAGE_BUILD, synthStack, withBatch } from './support/stackFixtures';

/**
 * The synthesized stack minus what legitimately varies (the terraform block with provider versions and backend,
 * and the image content hash and the tag derived from it): any other change to the infrastructure shows up as a
 * snapshot diff to review.
 */
function stripVolatile(json: string, contentHash: string): unknown {
  const withoutHash = json
    .split(contentHash)
    .join('<content-hash>')
    .split(contentHash.slice(0, 32))
    .join('<content-hash-prefix>');
  const parsed = JSON.parse(withoutHash) as Record<string, unknown>;
  delete parsed.terraform;
  return parsed;
}

describe('regression', () => {
  it('synthesizes the same stack as the reviewed snapshot', () => {
    // Prepare / Act
    const { json } = synthStack(withBatch);

    // Assess
    expect(stripVolatile(json, CONTENT_HASH)).toMatchSnapshot();
  });

  it('changes nothing but the stripped parts when only the image content changes', () => {
    // Prepare
    const otherHash = '12'.repeat(32);

    // Act
    const original = synthStack(withBatch);
    const rebuilt = synthStack(withBatch, { ...IMAGE_BUILD, contentHash: otherHash });

    // Assess
    expect(rebuilt.json).not.toBe(original.json);
    expect(stripVolatile(rebuilt.json, otherHash)).toEqual(stripVolatile(original.json, CONTENT_HASH));
  });
});
