/**
 * Checks what a strategy hands to its context — signals, order intents, amendments — before
 * anything acts on it. A strategy is user code: a typo (`kind: "enter_long"`), a NaN from an
 * indicator that was not warm, or a string where a price belongs must become a refusal that
 * names the field, not a `TypeError` from deep inside the order manager.
 *
 * @module
 */

import { SIGNAL_KINDS, type SignalKind } from "../domain/mod.ts";

/** What is wrong with a strategy's output: the field and why. */
export interface OutputProblem {
  /** The field path, e.g. `signal.stopLoss`, `order.quantity`, `signal.hint.price`. */
  readonly field: string;
  /** Why, in words, with the value. */
  readonly reason: string;
}

type Fields = { readonly [key: string]: unknown };

const HINT_FIELDS: Readonly<Record<string, readonly (readonly [string, NumberRule])[]>> = {
  market: [],
  limit: [["price", "positive"]],
  twap: [["durationSecs", "positive"], ["slices", "count"]],
  vwap: [["durationSecs", "positive"], ["participation", "fraction"]],
  iceberg: [["price", "positive"], ["displayQuantity", "positive"]],
  "pegged-best": [["offsetTicks", "integer"]],
  sniper: [["price", "positive"], ["timeoutSecs", "positive"]],
  "trailing-stop": [["callbackRate", "positive"]],
};
const SIDES: readonly string[] = ["buy", "sell"];
const ORDER_TYPES: readonly string[] = ["market", "limit", "stop-market", "stop-limit"];
const TIME_IN_FORCE: readonly string[] = ["gtc", "ioc", "fok", "post-only"];

type NumberRule = "positive" | "fraction" | "unit" | "count" | "integer";

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function numberProblem(value: unknown, rule: NumberRule): string | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return `must be a finite number, got ${show(value)}`;
  }
  switch (rule) {
    case "positive":
      return value > 0 ? undefined : `must be positive, got ${value}`;
    case "fraction":
      return value > 0 && value <= 1 ? undefined : `must be in (0, 1], got ${value}`;
    case "unit":
      return value >= 0 && value <= 1 ? undefined : `must be in [0, 1], got ${value}`;
    case "count":
      return Number.isInteger(value) && value >= 1
        ? undefined
        : `must be a whole number ≥ 1, got ${value}`;
    case "integer":
      return Number.isInteger(value) ? undefined : `must be a whole number, got ${value}`;
    default: {
      const unknown: never = rule;
      throw new TypeError(`Unknown number rule ${unknown}`);
    }
  }
}

function oneOf(value: unknown, allowed: readonly string[]): string | undefined {
  return typeof value === "string" && allowed.includes(value)
    ? undefined
    : `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${show(value)}`;
}

function symbolProblem(value: unknown, isKnown: (symbol: string) => boolean): string | undefined {
  if (typeof value !== "string" || value === "") {
    return `must be a venue-qualified symbol, got ${show(value)}`;
  }
  return isKnown(value)
    ? undefined
    : `is ${value}, which the strategy neither subscribed to nor has an instrument for`;
}

function optional(
  record: Fields,
  prefix: string,
  key: string,
  check: (value: unknown) => string | undefined,
): OutputProblem | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  const reason = check(value);
  return reason === undefined ? undefined : { field: `${prefix}.${key}`, reason };
}

function first(
  ...checks: readonly (() => OutputProblem | undefined)[]
): OutputProblem | undefined {
  for (const check of checks) {
    const problem = check();
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function required(
  record: Fields,
  prefix: string,
  key: string,
  check: (value: unknown) => string | undefined,
): OutputProblem | undefined {
  const reason = check(record[key]);
  return reason === undefined ? undefined : { field: `${prefix}.${key}`, reason };
}

function hintProblem(hint: unknown): OutputProblem | undefined {
  if (hint === null || typeof hint !== "object") {
    return { field: "signal.hint", reason: `must be an execution hint object, got ${show(hint)}` };
  }
  const record = hint as Fields;
  const fields = typeof record.kind === "string" ? HINT_FIELDS[record.kind] : undefined;
  if (fields === undefined) {
    return {
      field: "signal.hint.kind",
      reason: oneOf(record.kind, Object.keys(HINT_FIELDS)) ?? "",
    };
  }
  for (const [key, rule] of fields) {
    const problem = required(record, "signal.hint", key, (v) => numberProblem(v, rule));
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * The first problem of a signal, or `undefined` when it is well-formed. `isKnown` says whether
 * the strategy may trade a symbol.
 */
export function signalProblem(
  signal: unknown,
  isKnown: (symbol: string) => boolean,
): OutputProblem | undefined {
  if (signal === null || typeof signal !== "object") {
    return { field: "signal", reason: `must be a signal object, got ${show(signal)}` };
  }
  const s = signal as Fields;
  // This runs on every signal, refused ones included: a plain one passes on the comparisons
  // below; anything they do not accept outright is checked field by field, for its reason.
  if (plainlyWellFormed(s, isKnown)) return undefined;
  return at("signal.kind", oneOf(s.kind, SIGNAL_KINDS)) ??
    at("signal.symbol", symbolProblem(s.symbol, isKnown)) ??
    required(s, "signal", "confidence", positiveUnit) ??
    optional(s, "signal", "stopLoss", positive) ??
    optional(s, "signal", "takeProfit", positive) ??
    optional(s, "signal", "quantity", positive) ??
    (s.hint === undefined ? undefined : hintProblem(s.hint));
}

// Whether a signal without a hint passes every rule of `signalProblem` (never looser than
// them: a value they would refuse fails here too). The field-by-field checks cost a signal
// ~160 instructions, these ~40 (issue 19).
function plainlyWellFormed(s: Fields, isKnown: (symbol: string) => boolean): boolean {
  const { kind, symbol, confidence } = s;
  return typeof kind === "string" && SIGNAL_KINDS.includes(kind as SignalKind) &&
    typeof symbol === "string" && symbol !== "" && isKnown(symbol) &&
    // Within [0, 1], so finite (NaN fails both).
    typeof confidence === "number" && confidence >= 0 && confidence <= 1 &&
    absentOrPositive(s.stopLoss) && absentOrPositive(s.takeProfit) &&
    absentOrPositive(s.quantity) && s.hint === undefined;
}

function absentOrPositive(value: unknown): boolean {
  return value === undefined || (typeof value === "number" && value > 0 && value < Infinity);
}

function at(field: string, reason: string | undefined): OutputProblem | undefined {
  return reason === undefined ? undefined : { field, reason };
}

function positiveUnit(value: unknown): string | undefined {
  return numberProblem(value, "unit");
}

function positive(value: unknown): string | undefined {
  return numberProblem(value, "positive");
}

/** The first problem of an order intent, or `undefined` when it is well-formed. */
export function orderProblem(
  intent: unknown,
  isKnown: (symbol: string) => boolean,
): OutputProblem | undefined {
  if (intent === null || typeof intent !== "object") {
    return { field: "order", reason: `must be an order object, got ${show(intent)}` };
  }
  const o = intent as Fields;
  const needsPrice = o.type === "limit" || o.type === "stop-limit";
  const needsTrigger = o.type === "stop-market" || o.type === "stop-limit";
  return first(
    () => required(o, "order", "symbol", (v) => symbolProblem(v, isKnown)),
    () => required(o, "order", "side", (v) => oneOf(v, SIDES)),
    () => required(o, "order", "type", (v) => oneOf(v, ORDER_TYPES)),
    () => required(o, "order", "quantity", (v) => numberProblem(v, "positive")),
    () =>
      needsPrice
        ? required(o, "order", "price", (v) => numberProblem(v, "positive"))
        : optional(o, "order", "price", (v) => numberProblem(v, "positive")),
    () =>
      needsTrigger
        ? required(o, "order", "triggerPrice", (v) => numberProblem(v, "positive"))
        : optional(o, "order", "triggerPrice", (v) => numberProblem(v, "positive")),
    () => optional(o, "order", "timeInForce", (v) => oneOf(v, TIME_IN_FORCE)),
  );
}

/** The first problem of an amendment, or `undefined` when it is well-formed. */
export function amendProblem(changes: unknown): OutputProblem | undefined {
  if (changes === null || typeof changes !== "object") {
    return {
      field: "amend",
      reason: `must be an object with price and/or quantity, got ${show(changes)}`,
    };
  }
  const a = changes as Fields;
  return first(
    () => optional(a, "amend", "price", (v) => numberProblem(v, "positive")),
    () => optional(a, "amend", "quantity", (v) => numberProblem(v, "positive")),
  );
}
