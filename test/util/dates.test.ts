// isCalendarDate: the one check that a `YYYY-MM-DD` written by a person names a day that exists.
import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '../../src/util/dates.js';

describe('isCalendarDate', () => {
  it.each(['2030-01-31', '2028-02-29', '2000-02-29', '2099-12-31', '1999-04-30'])('%s is a day', (d) => {
    expect(isCalendarDate(d)).toBe(true);
  });
  it.each(['2099-13-45', '2099-02-31', '2027-02-29', '1900-02-29', '2030-04-31', '2030-00-10', '2030-01-00', '2030-1-5', '2030-01-31T00:00:00Z', ' 2030-01-31', ''])('%j is not', (d) => {
    expect(isCalendarDate(d)).toBe(false);
  });
});
