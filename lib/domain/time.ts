/**
 * Time is an integer count of microseconds since the Unix epoch, UTC ({@linkcode Micros}),
 * exact in a JS number until the year 2255. These helpers convert at the edges.
 *
 * @module
 */

/** Microseconds since 1970-01-01T00:00:00Z; always a safe integer. */
export type Micros = number;

/** Microseconds in one millisecond. */
export const MICROS_PER_MILLI = 1_000;
/** Microseconds in one second. */
export const MICROS_PER_SECOND = 1_000_000;
/** Microseconds in one minute. */
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
/** Microseconds in one hour. */
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
/** Microseconds in one day. */
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** Throws a `RangeError` unless `value` is a safe integer count of microseconds. */
export function assertMicros(value: number, what = "timestamp"): Micros {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be an integer count of microseconds, got ${value}`);
  }
  return value;
}

/** Milliseconds since the epoch → microseconds (fractional ms keep their µs). */
export function fromMillis(ms: number): Micros {
  return assertMicros(Math.round(ms * MICROS_PER_MILLI), "milliseconds");
}

/** Microseconds → milliseconds, floored (for exchange APIs that take integer ms). */
export function toMillis(us: Micros): number {
  return Math.floor(us / MICROS_PER_MILLI);
}

/** Seconds since the epoch → microseconds. */
export function fromSeconds(seconds: number): Micros {
  return assertMicros(Math.round(seconds * MICROS_PER_SECOND), "seconds");
}

/** Nanoseconds since the epoch (as a bigint, as Parquet stores them) → microseconds, floored. */
export function fromNanos(ns: bigint): Micros {
  const us = ns / 1000n - (ns % 1000n < 0n ? 1n : 0n);
  return assertMicros(Number(us), "nanoseconds");
}

/** A `Date` → microseconds. */
export function fromDate(date: Date): Micros {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError("Cannot convert an invalid Date to microseconds");
  return ms * MICROS_PER_MILLI;
}

/** Microseconds → `Date` (sub-millisecond precision is dropped, as Date cannot hold it). */
export function toDate(us: Micros): Date {
  return new Date(toMillis(us));
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO-8601 / RFC 3339 timestamp to microseconds, keeping up to 6 fractional digits
 * (more are truncated). A date alone means midnight UTC; no offset means UTC.
 *
 * @example
 * ```ts
 * import { fromIso } from "@tesser/tesser/domain";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fromIso("2024-01-01T00:00:00.000001Z"), 1704067200000001);
 * ```
 * @throws {RangeError} when the text is not an ISO-8601 timestamp.
 */
export function fromIso(text: string): Micros {
  const match = ISO.exec(text.trim());
  if (match === null) {
    throw new RangeError(
      `Cannot parse timestamp "${text}": expected ISO-8601 such as 2024-01-01T00:00:00Z`,
    );
  }
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = match;
  const month = Number(mo);
  const day = Number(d);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const check = new Date(0);
  check.setUTCFullYear(Number(y), month - 1, day);
  check.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const ms = check.getTime();
  if (
    check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || Number(h) > 23 ||
    Number(mi) > 59 || Number(s) > 59
  ) {
    throw new RangeError(`Cannot parse timestamp "${text}": no such date or time`);
  }
  const micros = Number(frac.padEnd(6, "0").slice(0, 6));
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2));
    if (hours > 23 || minutes > 59) {
      throw new RangeError(
        `Cannot parse timestamp "${text}": offset ${zone} is not a valid UTC offset`,
      );
    }
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  const result = ms * MICROS_PER_MILLI + micros - offsetMinutes * MICROS_PER_MINUTE;
  if (!Number.isSafeInteger(result)) {
    throw new RangeError(
      `Cannot parse timestamp "${text}": outside the range of µs timestamps (years 1685–2255)`,
    );
  }
  return result;
}

// "00" … "99": two-digit fields without padStart.
const TWO_DIGITS: readonly string[] = Array.from(
  { length: 100 },
  (_, i) => `${i < 10 ? "0" : ""}${i}`,
);

/**
 * Formats microseconds as ISO-8601 UTC: `2024-01-01T00:00:00Z`, with a fraction of 3 or 6
 * digits only when the time has one. The calendar is arithmetic (days to civil date), not a
 * `Date` per call: reports write two per execution parent and one per order and fill.
 */
export function toIso(us: Micros): string {
  assertMicros(us);
  const days = Math.floor(us / MICROS_PER_DAY);
  const inDay = us - days * MICROS_PER_DAY;
  const seconds = Math.floor(inDay / MICROS_PER_SECOND);
  const fraction = inDay - seconds * MICROS_PER_SECOND;
  // Civil date of a day count from 1970-01-01 (proleptic Gregorian, in 400-year eras from
  // 0000-03-01 so that the leap day ends each year).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra -
    (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(seconds / 3600);
  const minute = Math.floor((seconds - hour * 3600) / 60);
  const second = seconds - hour * 3600 - minute * 60;
  // µs timestamps span years 1685–2255: always four digits.
  const whole = `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${
    TWO_DIGITS[minute]
  }:${TWO_DIGITS[second]}`;
  if (fraction === 0) return `${whole}Z`;
  const digits = String(fraction + 1_000_000).slice(1);
  return `${whole}.${fraction % 1000 === 0 ? digits.slice(0, 3) : digits}Z`;
}
