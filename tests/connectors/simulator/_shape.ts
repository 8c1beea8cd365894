/**
 * Compares a message's shape with a real fixture: the same keys at every level, values of
 * the same JSON type, arrays compared by their first element.
 */

import { fail } from "node:assert/strict";

/** Reads a fixture of tests/testdata/exchange_fixtures by file name. */
export function fixture(name: string): unknown {
  return JSON.parse(
    Deno.readTextFileSync(new URL(`../../testdata/exchange_fixtures/${name}`, import.meta.url)),
  );
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Lists every difference between the shapes of `actual` and `expected`. */
export function shapeDifferences(actual: unknown, expected: unknown, path = "$"): string[] {
  const a = typeOf(actual);
  const e = typeOf(expected);
  // A fixture's null stands for an absent object; an empty array or object matches any.
  if (e === "null") return a === "null" || a === "object" ? [] : [`${path}: ${a}, fixture null`];
  if (a !== e) return [`${path}: ${a}, fixture ${e}`];
  if (e === "array") {
    const first = (expected as unknown[])[0];
    const mine = (actual as unknown[])[0];
    if (first === undefined || mine === undefined) return [];
    return shapeDifferences(mine, first, `${path}[0]`);
  }
  if (e !== "object") return [];
  const out: string[] = [];
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  if (Object.keys(exp).length === 0) return out;
  for (const key of Object.keys(exp)) {
    if (!(key in act)) out.push(`${path}.${key}: missing`);
    else out.push(...shapeDifferences(act[key], exp[key], `${path}.${key}`));
  }
  for (const key of Object.keys(act)) {
    if (!(key in exp)) out.push(`${path}.${key}: not in the fixture`);
  }
  return out;
}

/** Fails unless `actual` has the shape of `expected`, ignoring the paths in `allow`. */
export function assertShape(
  actual: unknown,
  expected: unknown,
  allow: readonly string[] = [],
): void {
  const differences = shapeDifferences(actual, expected).filter((d) =>
    !allow.some((a) => d.startsWith(`${a}:`))
  );
  if (differences.length > 0) {
    fail(`shape differs from the fixture:\n  ${differences.join("\n  ")}`);
  }
}
