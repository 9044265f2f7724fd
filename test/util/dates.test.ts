// isCalendarDate: the one check that a `YYYY-MM-DD` written by a person names a day that exists.
import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '../../src/util/dates.js';
import { hasControlCharacters } from '../../src/util/text.js';

describe('isCalendarDate', () => {
  it.each(['2030-01-31', '2028-02-29', '2000-02-29', '2099-12-31', '1999-04-30'])('%s is a day', (d) => {
    expect(isCalendarDate(d)).toBe(true);
  });
  it.each(['2099-13-45', '2099-02-31', '2027-02-29', '1900-02-29', '2030-04-31', '2030-00-10', '2030-01-00', '2030-1-5', '2030-01-31T00:00:00Z', ' 2030-01-31', ''])('%j is not', (d) => {
    expect(isCalendarDate(d)).toBe(false);
  });
});

describe('hasControlCharacters', () => {
  it('finds line breaks, tabs, escapes, C1 controls, line separators and bidi overrides', () => {
    for (const t of ['a\nb', 'a\rb', 'a\tb', '\u001b[31m', 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\u202Eb', 'a\u2066b', 'a\u007fb']) expect(hasControlCharacters(t), JSON.stringify(t)).toBe(true);
  });
  it('passes ordinary text, accents and non-Latin scripts', () => {
    for (const t of ['alice@example.com', 'pinned by Renovate — reviewed', 'Zoë Ørsted', 'レビュー済み', '']) expect(hasControlCharacters(t)).toBe(false);
  });
});
