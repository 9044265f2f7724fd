// Helpers every reporter uses.
import { describe, expect, it } from 'vitest';
import { shorten } from '../../src/reporters/common.js';

describe('shorten', () => {
  it('keeps the first sentence; an abbreviation such as "e.g." does not end it', () => {
    expect(shorten('Generate an SBOM in CI — e.g. `syft -o cyclonedx-json`, i.e. CycloneDX. Then sign it.', 200)).toBe(
      'Generate an SBOM in CI — e.g. `syft -o cyclonedx-json`, i.e. CycloneDX.',
    );
    expect(shorten('Pin it. Always.', 200)).toBe('Pin it.');
    expect(shorten('First line\nsecond line', 200)).toBe('First line');
    expect(shorten('A long sentence without an end', 10)).toBe('A long se…');
  });
});
