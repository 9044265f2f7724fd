// The one PEP 508 head parser used by the requirements.txt parser, both Python manifest editors and detection.
import { describe, expect, it } from 'vitest';
import { parsePep508, pinnedVersion } from '../../src/ecosystems/pypi/pep508.js';

describe('parsePep508', () => {
  it.each([
    ['requests==2.31.0', { name: 'requests', extras: '', spec: '==2.31.0', url: false }],
    ['  Flask [async] >=2.0,<3 ; python_version < "3.12"', { name: 'Flask', extras: ' [async]', spec: ' >=2.0,<3 ', url: false }],
    ['zope.interface~=6.0  # pinned by ops', { name: 'zope.interface', extras: '', spec: '~=6.0  ', url: false }],
    ['pkg @ https://example.com/pkg-1.0.whl', { name: 'pkg', extras: '', spec: ' ', url: true }],
    ['django', { name: 'django', extras: '', spec: '', url: false }],
  ])('%s', (text, want) => {
    const head = parsePep508(text)!;
    expect(head).toMatchObject(want);
    expect(text.slice(head.specStart, head.specEnd)).toBe(head.spec); // editors splice exactly these bytes
  });

  it('is undefined for what is not a requirement', () => {
    for (const text of ['-r base.txt', '# comment', '', '--hash=sha256:00', '_private==1']) expect(parsePep508(text)).toBeUndefined();
  });
});

describe('pinnedVersion', () => {
  it.each([
    ['==2.31.0', '2.31.0'],
    [' === 1.0 ', '1.0'],
    ['(==3.0.3)', '3.0.3'],
    ['>=2.0,==2.2.3', '2.2.3'],
    ['==1.2.3 --hash=sha256:00', '1.2.3'],
    ['==1.*', undefined],
    ['>=2.0', undefined],
    ['~=6.0', undefined],
    ['', undefined],
  ])('%j', (spec, want) => expect(pinnedVersion(spec)).toBe(want));
});
