/**
 * Proleptic Gregorian calendar arithmetic for KerberosTime (RFC 4120 5.2.3), the same results
 * as ECMAScript's Date (ECMA-262 21.4.1: MakeDay, MakeDate, and the inverse) without making a
 * Date: the conversion was about 1 µs each way, and every AP-REQ and AP-REP has a KerberosTime.
 * Days are counted from 1970-01-01 (day 0), as Date's Day(t); the era method (400-year cycles of
 * 146097 days) is exact in integer arithmetic on doubles for every year Date can hold.
 */

/** Days from 1970-01-01 to year `y`, month `m` (1..12), day `d` (1..31, or beyond: it adds on). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400; // 0..399
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1; // from March 1st
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Date's MakeDay(year, monthIndex, date) in days: a month index outside 0..11 moves the year
 * (month 12 is January of the next year, -1 December of the one before), and the day of the
 * month adds on from the 1st, so 2024-02-30 is 2024-03-01.
 */
export function makeDay(year: number, monthIndex: number, date: number): number {
  const ym = year + Math.floor(monthIndex / 12);
  const mn = monthIndex - Math.floor(monthIndex / 12) * 12; // 0..11
  return daysFromCivil(ym, mn + 1, 1) + date - 1;
}

/** The civil date of a day number (the inverse of daysFromCivil): [year, month 1..12, day 1..31]. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // 0..146096
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // from March 1st
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}
