import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { civilFromDays, daysFromCivil, makeDay } from '../../../src/asn1/civil.js';

const DAY_MS = 86400000;

describe('asn1/civil', () => {
  it('civilFromDays matches Date for every day of years 0000..9999 (each 97th day) and the ends', () => {
    const first = daysFromCivil(0, 1, 1);
    const last = daysFromCivil(9999, 12, 31);
    assert.equal(first * DAY_MS, Date.UTC(2000, 0, 1) - 730485 * DAY_MS); // 0000-01-01, proleptic
    for (let day = first - 400; day <= last + 400; day += day < first + 800 || day > last - 800 ? 1 : 97) {
      const d = new Date(day * DAY_MS);
      assert.deepEqual(
        civilFromDays(day),
        [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()],
        `day ${day}`,
      );
      assert.equal(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()), day);
    }
  });

  it('makeDay carries months and days over as Date.setUTCFullYear does', () => {
    for (const y of [0, 1, 99, 100, 1600, 1900, 1970, 2000, 2023, 2024, 2100, 9999]) {
      for (const monthIndex of [-1, 0, 1, 2, 11, 12, 13, 98]) {
        for (const date of [0, 1, 28, 29, 30, 31, 32, 99]) {
          const d = new Date(0);
          d.setUTCFullYear(y, monthIndex, date);
          assert.equal(makeDay(y, monthIndex, date) * DAY_MS, d.getTime(), `${y} ${monthIndex} ${date}`);
        }
      }
    }
  });
});
