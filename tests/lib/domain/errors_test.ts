import assert from "node:assert/strict";
import {
  ConfigError,
  DataError,
  ExchangeError,
  type ExchangeErrorKind,
  TesserError,
} from "../../../lib/domain/errors.ts";

Deno.test("ConfigError message is the reason alone without location or hint", () => {
  const error = new ConfigError("backtest.seed: expected an integer");
  assert.equal(error.message, "backtest.seed: expected an integer");
  assert.equal(error.reason, "backtest.seed: expected an integer");
  assert.equal(error.name, "ConfigError");
  assert.equal(error.location, undefined);
  assert.equal(error.hint, undefined);
  assert.ok(error instanceof TesserError);
  assert.ok(error instanceof Error);
});

Deno.test("TesserError message puts file:line:column first and the hint last", () => {
  const error = new ConfigError("unknown key", {
    location: { file: "config/default.toml", line: 12, column: 3 },
    hint: "valid keys: a, b",
  });
  assert.equal(error.message, "config/default.toml:12:3: unknown key (hint: valid keys: a, b)");
  assert.equal(error.reason, "unknown key");
  assert.deepEqual(error.location, { file: "config/default.toml", line: 12, column: 3 });
  assert.equal(error.hint, "valid keys: a, b");
});

Deno.test("TesserError location prints only the parts it has", () => {
  assert.equal(
    new DataError("bad row", { location: { file: "a.csv", line: 7 } }).message,
    "a.csv:7: bad row",
  );
  assert.equal(new DataError("empty", { location: { file: "a.csv" } }).message, "a.csv: empty");
  // A column without a line means nothing and is left out.
  assert.equal(
    new DataError("odd", { location: { file: "a.csv", column: 4 } }).message,
    "a.csv: odd",
  );
});

Deno.test("TesserError keeps the cause", () => {
  const cause = new SyntaxError("Unexpected token");
  const error = new DataError("cannot parse", { cause });
  assert.equal(error.cause, cause);
  assert.equal(error.name, "DataError");
});

Deno.test("ExchangeError message starts with venue and kind and keeps the code", () => {
  const cause = new TypeError("fetch failed");
  const error = new ExchangeError("rejected", "insufficient margin", {
    venue: "bybit",
    code: "110007",
    hint: "reduce the size",
    cause,
  });
  assert.equal(error.message, "bybit rejected: insufficient margin (hint: reduce the size)");
  assert.equal(error.name, "ExchangeError");
  assert.equal(error.kind, "rejected");
  assert.equal(error.venue, "bybit");
  assert.equal(error.code, "110007");
  assert.equal(error.cause, cause);
  assert.equal(new ExchangeError("auth", "bad key", { venue: "binance" }).code, undefined);
});

Deno.test("ExchangeError is retryable for network, timeout, rate-limit and unavailable only", () => {
  const kinds: readonly ExchangeErrorKind[] = [
    "network",
    "timeout",
    "auth",
    "rate-limit",
    "rejected",
    "invalid-request",
    "unavailable",
    "unknown",
  ];
  const retryable = kinds.filter((kind) => new ExchangeError(kind, "x", { venue: "v" }).retryable);
  assert.deepEqual(retryable, ["network", "timeout", "rate-limit", "unavailable"]);
});
