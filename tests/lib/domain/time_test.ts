import assert from "node:assert/strict";
import {
  assertMicros,
  fromDate,
  fromIso,
  fromMillis,
  fromNanos,
  fromSeconds,
  MICROS_PER_DAY,
  MICROS_PER_HOUR,
  MICROS_PER_MILLI,
  MICROS_PER_MINUTE,
  MICROS_PER_SECOND,
  toDate,
  toIso,
  toMillis,
} from "../../../lib/domain/time.ts";

const NEW_YEAR_2024 = 1_704_067_200_000_000; // 2024-01-01T00:00:00Z in µs

Deno.test("time constants are consistent", () => {
  assert.equal(MICROS_PER_MILLI, 1_000);
  assert.equal(MICROS_PER_SECOND, 1_000_000);
  assert.equal(MICROS_PER_MINUTE, 60_000_000);
  assert.equal(MICROS_PER_HOUR, 3_600_000_000);
  assert.equal(MICROS_PER_DAY, 86_400_000_000);
});

Deno.test("fromMillis and toMillis round-trip whole milliseconds", () => {
  assert.equal(fromMillis(1_704_067_200_000), NEW_YEAR_2024);
  assert.equal(toMillis(NEW_YEAR_2024), 1_704_067_200_000);
  assert.equal(toMillis(fromMillis(1_704_067_200_123)), 1_704_067_200_123);
});

Deno.test("fromMillis keeps the microseconds of fractional milliseconds", () => {
  assert.equal(fromMillis(1.5), 1_500);
  assert.equal(fromMillis(1_704_067_200_000.25), NEW_YEAR_2024 + 250);
});

Deno.test("toMillis floors, also before the epoch", () => {
  assert.equal(toMillis(1_999), 1);
  assert.equal(toMillis(-1), -1);
  assert.equal(toMillis(-1_000), -1);
  assert.equal(toMillis(-1_001), -2);
});

Deno.test("fromSeconds converts whole and fractional seconds", () => {
  assert.equal(fromSeconds(1_704_067_200), NEW_YEAR_2024);
  assert.equal(fromSeconds(0.000001), 1);
  assert.equal(fromSeconds(-1.5), -1_500_000);
});

Deno.test("fromNanos floors to the microsecond, also before the epoch", () => {
  assert.equal(fromNanos(1_704_067_200_000_000_999n), NEW_YEAR_2024);
  assert.equal(fromNanos(1_704_067_200_000_001_000n), NEW_YEAR_2024 + 1);
  assert.equal(fromNanos(-1n), -1);
  assert.equal(fromNanos(-1_000n), -1);
  assert.equal(fromNanos(-1_001n), -2);
});

Deno.test("fromDate and toDate round-trip a Date", () => {
  const date = new Date("2024-03-05T06:07:08.009Z");
  assert.equal(fromDate(date), date.getTime() * 1_000);
  assert.equal(toDate(fromDate(date)).toISOString(), "2024-03-05T06:07:08.009Z");
});

Deno.test("toDate drops sub-millisecond precision", () => {
  assert.equal(toDate(NEW_YEAR_2024 + 999).toISOString(), "2024-01-01T00:00:00.000Z");
});

Deno.test("fromDate rejects an invalid Date", () => {
  assert.throws(
    () => fromDate(new Date("garbage")),
    { name: "RangeError", message: "Cannot convert an invalid Date to microseconds" },
  );
});

Deno.test("conversions reject values that are not safe integer microseconds", () => {
  assert.throws(
    () => fromMillis(Number.NaN),
    {
      name: "RangeError",
      message: "milliseconds must be an integer count of microseconds, got NaN",
    },
  );
  assert.throws(() => fromSeconds(Infinity), /seconds must be an integer count of microseconds/);
  assert.throws(() => fromNanos(2n ** 80n), /nanoseconds must be an integer count/);
  assert.throws(
    () => assertMicros(1.5),
    /timestamp must be an integer count of microseconds, got 1.5/,
  );
  assert.equal(assertMicros(42), 42);
});

Deno.test("fromIso parses a UTC timestamp", () => {
  assert.equal(fromIso("2024-01-01T00:00:00Z"), NEW_YEAR_2024);
  assert.equal(fromIso("2024-01-01T00:00:00z"), NEW_YEAR_2024);
  assert.equal(fromIso("2024-01-01 00:00:00"), NEW_YEAR_2024);
});

Deno.test("fromIso reads a date alone as midnight UTC and a missing offset as UTC", () => {
  assert.equal(fromIso("2024-01-01"), NEW_YEAR_2024);
  assert.equal(
    fromIso("2024-01-01T10:30"),
    NEW_YEAR_2024 + 10 * MICROS_PER_HOUR + 30 * MICROS_PER_MINUTE,
  );
});

Deno.test("fromIso keeps fractional microseconds and truncates beyond six digits", () => {
  assert.equal(fromIso("2024-01-01T00:00:00.000001Z"), NEW_YEAR_2024 + 1);
  assert.equal(fromIso("2024-01-01T00:00:00.5Z"), NEW_YEAR_2024 + 500_000);
  assert.equal(fromIso("2024-01-01T00:00:00.123Z"), NEW_YEAR_2024 + 123_000);
  assert.equal(fromIso("2024-01-01T00:00:00.123456789Z"), NEW_YEAR_2024 + 123_456);
});

Deno.test("fromIso applies positive and negative offsets", () => {
  assert.equal(fromIso("2024-01-01T02:00:00+02:00"), NEW_YEAR_2024);
  assert.equal(fromIso("2024-01-01T02:00:00+0200"), NEW_YEAR_2024);
  assert.equal(fromIso("2023-12-31T19:30:00-04:30"), NEW_YEAR_2024);
  assert.equal(fromIso("2024-01-01T00:00:00.000001+00:00"), NEW_YEAR_2024 + 1);
});

Deno.test("fromIso rejects dates that do not exist", () => {
  for (const text of ["2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31T00:00:00Z"]) {
    assert.throws(
      () => fromIso(text),
      { name: "RangeError", message: `Cannot parse timestamp "${text}": no such date or time` },
    );
  }
  // 2024 is a leap year.
  assert.equal(toIso(fromIso("2024-02-29")), "2024-02-29T00:00:00Z");
});

Deno.test("fromIso rejects times that do not exist", () => {
  for (const text of ["2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:60Z"]) {
    assert.throws(() => fromIso(text), /no such date or time/);
  }
});

Deno.test("fromIso rejects garbage naming the expected format", () => {
  for (const text of ["", "garbage", "2024/01/01", "1704067200", "2024-01-01T", "2024-1-1"]) {
    assert.throws(
      () => fromIso(text),
      {
        name: "RangeError",
        message: `Cannot parse timestamp "${text}": expected ISO-8601 such as 2024-01-01T00:00:00Z`,
      },
    );
  }
});

Deno.test({
  // BUG: the offset is not range-checked, so "+25:00" is accepted as 25 hours.
  // Fix in lib/domain/time.ts fromIso: reject offsets with hours > 23 or minutes > 59.
  ignore: false,
  name: "fromIso rejects an offset beyond ±23:59",
  fn() {
    assert.throws(() => fromIso("2024-01-01T00:00:00+25:00"), RangeError);
    assert.throws(() => fromIso("2024-01-01T00:00:00+02:75"), RangeError);
  },
});

Deno.test("fromIso never maps years 0–99 to 1900–1999 and rejects years µs cannot hold", () => {
  // Date.UTC would turn "0050" into 1950; such years are outside µs range and must fail loudly.
  assert.throws(() => fromIso("0050-01-01"), {
    name: "RangeError",
    message: /outside the range of µs timestamps/,
  });
  assert.equal(toIso(fromIso("1700-03-01T00:00:00Z")), "1700-03-01T00:00:00Z");
  assert.equal(toIso(fromIso("2250-12-31T23:59:59Z")), "2250-12-31T23:59:59Z");
});

Deno.test("toIso omits a zero fraction", () => {
  assert.equal(toIso(NEW_YEAR_2024), "2024-01-01T00:00:00Z");
  assert.equal(toIso(0), "1970-01-01T00:00:00Z");
});

Deno.test("toIso prints three digits for whole milliseconds", () => {
  assert.equal(toIso(NEW_YEAR_2024 + 123_000), "2024-01-01T00:00:00.123Z");
  assert.equal(toIso(NEW_YEAR_2024 + 100_000), "2024-01-01T00:00:00.100Z");
});

Deno.test("toIso prints six digits when there are microseconds", () => {
  assert.equal(toIso(NEW_YEAR_2024 + 1), "2024-01-01T00:00:00.000001Z");
  assert.equal(toIso(NEW_YEAR_2024 + 123_456), "2024-01-01T00:00:00.123456Z");
  assert.equal(toIso(NEW_YEAR_2024 + 999_999), "2024-01-01T00:00:00.999999Z");
});

Deno.test("toIso handles times before the epoch", () => {
  assert.equal(toIso(-1), "1969-12-31T23:59:59.999999Z");
  assert.equal(toIso(-MICROS_PER_DAY), "1969-12-31T00:00:00Z");
});

Deno.test("toIso rejects a non-integer timestamp", () => {
  assert.throws(() => toIso(1.5), /timestamp must be an integer count of microseconds, got 1.5/);
});

Deno.test("fromIso and toIso round-trip at every precision", () => {
  for (
    const text of [
      "2024-01-01T00:00:00Z",
      "2024-06-15T12:34:56.789Z",
      "2024-06-15T12:34:56.789012Z",
      "1999-12-31T23:59:59.999999Z",
      "1969-07-20T20:17:40Z",
    ]
  ) {
    assert.equal(toIso(fromIso(text)), text);
  }
  for (const us of [0, 1, NEW_YEAR_2024 + 7, 2_000_000_000_000_000, -123_456_789]) {
    assert.equal(fromIso(toIso(us)), us);
  }
});

// toIso as Date writes it, for checking the arithmetic calendar against it.
function isoByDate(us: number): string {
  const ms = Math.floor(us / 1000);
  const subMs = us - ms * 1000;
  const base = new Date(ms).toISOString();
  if (subMs !== 0) return `${base.slice(0, 23)}${String(subMs).padStart(3, "0")}Z`;
  return base.endsWith(".000Z") ? `${base.slice(0, 19)}Z` : base;
}

Deno.test("toIso agrees with Date across the whole µs range, leap days and year ends", () => {
  const edges = [
    0,
    -1,
    1,
    999,
    1000,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    fromIso("2000-02-29T23:59:59.999999Z"),
    fromIso("2000-03-01T00:00:00Z"),
    fromIso("2100-02-28T23:59:59Z"),
    fromIso("2100-03-01T00:00:00Z"),
    fromIso("1900-02-28T12:00:00Z"),
    fromIso("1900-03-01T00:00:00Z"),
    fromIso("1969-12-31T23:59:59.999999Z"),
    fromIso("1972-02-29T00:00:00.001Z"),
    fromIso("2023-12-31T23:59:59.5Z"),
    fromIso("2024-12-31T23:59:59Z"),
  ];
  for (const us of edges) assert.equal(toIso(us), isoByDate(us), `at ${us}`);
  // A seeded walk over the range: whole seconds, milliseconds and microseconds.
  let state = 12345;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 20_000; i++) {
    const raw = Math.floor((next() * 2 - 1) * Number.MAX_SAFE_INTEGER);
    const us = i % 3 === 0 ? raw - (raw % 1_000_000) : i % 3 === 1 ? raw - (raw % 1000) : raw;
    assert.equal(toIso(us), isoByDate(us), `at ${us}`);
  }
});
