import assert from "node:assert/strict";
import {
  alignToInterval,
  intervalMicros,
  intervalMillis,
  INTERVALS,
  isInterval,
  isMultipleOf,
  parseInterval,
} from "../../../lib/domain/interval.ts";
import { fromIso, MICROS_PER_HOUR, MICROS_PER_MINUTE, toIso } from "../../../lib/domain/time.ts";

const VALID = "1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d";

Deno.test("parseInterval accepts every supported interval as written", () => {
  for (const interval of INTERVALS) assert.equal(parseInterval(interval), interval);
  assert.equal(INTERVALS.join(", "), VALID);
});

Deno.test("parseInterval is case-insensitive and trims", () => {
  assert.equal(parseInterval("1H"), "1h");
  assert.equal(parseInterval("15M"), "15m");
  assert.equal(parseInterval(" 1D "), "1d");
});

Deno.test("parseInterval maps equal lengths to the canonical name", () => {
  assert.equal(parseInterval("60m"), "1h");
  assert.equal(parseInterval("120m"), "2h");
  assert.equal(parseInterval("1440m"), "1d");
  assert.equal(parseInterval("24h"), "1d");
  assert.equal(parseInterval("720M"), "12h");
});

Deno.test("parseInterval rejects unknown intervals naming the valid ones", () => {
  for (const text of ["7x", "0m", "2d", "7m", "", "m", "1w", "-1m", "1.5h"]) {
    assert.throws(
      () => parseInterval(text),
      { name: "RangeError", message: `Unknown interval "${text}": expected one of ${VALID}` },
    );
  }
});

Deno.test("isInterval accepts only canonical names", () => {
  assert.equal(isInterval("1h"), true);
  assert.equal(isInterval("60m"), false);
  assert.equal(isInterval("1H"), false);
  assert.equal(isInterval("toString"), false);
});

Deno.test("intervalMicros and intervalMillis give the bar length", () => {
  assert.equal(intervalMicros("1m"), MICROS_PER_MINUTE);
  assert.equal(intervalMicros("15m"), 15 * MICROS_PER_MINUTE);
  assert.equal(intervalMicros("4h"), 4 * MICROS_PER_HOUR);
  assert.equal(intervalMicros("1d"), 24 * MICROS_PER_HOUR);
  assert.equal(intervalMillis("1m"), 60_000);
  assert.equal(intervalMillis("1d"), 86_400_000);
  for (const interval of INTERVALS) {
    assert.equal(intervalMicros(interval), intervalMillis(interval) * 1_000);
  }
});

Deno.test("alignToInterval floors to the open time of the bar", () => {
  const ts = fromIso("2024-03-05T10:37:12.345678Z");
  assert.equal(toIso(alignToInterval(ts, "1m")), "2024-03-05T10:37:00Z");
  assert.equal(toIso(alignToInterval(ts, "5m")), "2024-03-05T10:35:00Z");
  assert.equal(toIso(alignToInterval(ts, "15m")), "2024-03-05T10:30:00Z");
  assert.equal(toIso(alignToInterval(ts, "1h")), "2024-03-05T10:00:00Z");
  assert.equal(toIso(alignToInterval(ts, "4h")), "2024-03-05T08:00:00Z");
  assert.equal(toIso(alignToInterval(ts, "1d")), "2024-03-05T00:00:00Z");
});

Deno.test("alignToInterval leaves an aligned time unchanged and the last µs in its bar", () => {
  const open = fromIso("2024-03-05T10:00:00Z");
  assert.equal(alignToInterval(open, "1h"), open);
  assert.equal(alignToInterval(open + MICROS_PER_HOUR - 1, "1h"), open);
  assert.equal(alignToInterval(open + MICROS_PER_HOUR, "1h"), open + MICROS_PER_HOUR);
});

Deno.test("isMultipleOf tells whether fine bars resample into coarse ones", () => {
  assert.equal(isMultipleOf("1h", "1m"), true);
  assert.equal(isMultipleOf("1h", "15m"), true);
  assert.equal(isMultipleOf("1d", "8h"), true);
  assert.equal(isMultipleOf("1h", "1h"), true);
  assert.equal(isMultipleOf("5m", "3m"), false);
  assert.equal(isMultipleOf("1m", "1h"), false);
  assert.equal(isMultipleOf("8h", "3m"), true);
  assert.equal(isMultipleOf("30m", "3m"), true);
  assert.equal(isMultipleOf("5m", "2h"), false);
});
