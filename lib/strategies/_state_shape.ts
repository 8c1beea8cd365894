// Checks a snapshot against the shape of a strategy's declared initial state, so that
// restore() can be derived from the declaration: same keys, same JSON types. `null` in the
// template marks a slot whose value is not known yet (e.g. `last: null as number | null`, a
// pending bar): it may hold any JSON;
// an array's first element, when the template has one, is the shape of every element (else
// the snapshot's first element is).

import type { JsonValue } from "../domain/mod.ts";

function typeOf(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function withArticle(type: string): string {
  if (type === "null") return "null";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(path: string): string {
  return path === "" ? "the state" : path;
}

function isJson(value: unknown): value is JsonValue {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value);
    case "string":
    case "boolean":
      return true;
    case "object":
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isJson);
      // Class instances (a Map, an indicator) would not survive JSON: plain objects only.
      if (![Object.prototype, null].includes(Object.getPrototypeOf(value))) return false;
      return Object.values(value).every(isJson);
    default:
      return false;
  }
}

/** The first mismatch between `value` and `template`, in words, or `undefined`. */
function mismatch(template: JsonValue, value: unknown, path: string): string | undefined {
  if (!isJson(value)) return `${describe(path)} is not JSON data`;
  if (template === null) return undefined;
  const expected = typeOf(template);
  const actual = typeOf(value);
  if (expected !== actual) {
    return `${describe(path)} must be ${withArticle(expected)}, got ${withArticle(actual)}`;
  }
  if (Array.isArray(template)) {
    const values = value as readonly JsonValue[];
    // An empty template array (`[] as number[]`) says nothing of its elements at run time:
    // they must then at least agree with each other.
    const declared = template as readonly JsonValue[];
    const item = declared.length > 0 ? declared[0] : values[0];
    if (item === undefined) return undefined;
    for (let i = 0; i < values.length; i++) {
      const problem = mismatch(item, values[i], `${path}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof template === "object") {
    const record = value as { readonly [key: string]: JsonValue };
    const fields = template as { readonly [key: string]: JsonValue };
    for (const key of Object.keys(fields)) {
      const at = path === "" ? key : `${path}.${key}`;
      if (!(key in record)) return `${at} is missing`;
      const problem = mismatch(fields[key] as JsonValue, record[key], at);
      if (problem !== undefined) return problem;
    }
    const extra = Object.keys(record).find((key) => !(key in fields));
    if (extra !== undefined) {
      return `${path === "" ? extra : `${path}.${extra}`} is not in the state`;
    }
  }
  return undefined;
}

/**
 * Throws a `TypeError` naming the strategy and the first bad key unless `value` has the shape
 * of `template`.
 */
export function checkStateShape(strategy: string, template: JsonValue, value: unknown): void {
  const problem = mismatch(template, value, "");
  if (problem !== undefined) {
    throw new TypeError(`${strategy}.restore: ${problem} (expected the object made by snapshot())`);
  }
}

/**
 * Throws a `TypeError` naming the strategy unless its declared state is JSON data (finite
 * numbers, strings, booleans, null, arrays and plain objects).
 */
export function checkStateIsJson(strategy: string, state: unknown, when: string): void {
  if (!isJson(state)) {
    throw new TypeError(
      `${strategy}: the state ${when} is not JSON data (finite numbers, strings, booleans, null, arrays, objects)`,
    );
  }
}
