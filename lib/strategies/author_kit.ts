/**
 * What a strategy author needs besides the strategy contract, re-exported so that one import
 * (`@tesser/tesser/strategies`) is enough: the market data, order and signal types, the
 * symbol and time helpers and the domain errors (from `lib/domain`), the schema fields (from
 * `lib/config`), and every indicator (from `lib/indicators`).
 *
 * @example
 * ```ts
 * import { type Candle, Ema, param, type Signal } from "@tesser/tesser/strategies";
 * import assert from "node:assert/strict";
 *
 * const ema = new Ema({ period: 2 });
 * const bars: Pick<Candle, "close">[] = [{ close: 10 }, { close: 12 }];
 * const values = bars.map((bar) => ema.update(bar.close));
 * assert.deepEqual(values, [undefined, 11]);
 * const signal: Signal = { symbol: "bybit:BTCUSDT", kind: "enter-long", confidence: 1 };
 * assert.equal(signal.kind, "enter-long");
 * assert.equal(param.number({ min: 1 }).kind, "number");
 * ```
 *
 * @module
 */

export type {
  AmendIntent,
  Candle,
  ExecutionHint,
  Fill,
  Instrument,
  Interval,
  Liquidity,
  Micros,
  Order,
  OrderIntent,
  OrderStatus,
  OrderType,
  Position,
  Quote,
  Side,
  Signal,
  SignalKind,
  SymbolId,
  TimeInForce,
  Trade,
} from "../domain/mod.ts";
export {
  ConfigError,
  fromIso,
  intervalMicros,
  MICROS_PER_DAY,
  MICROS_PER_HOUR,
  MICROS_PER_MILLI,
  MICROS_PER_MINUTE,
  MICROS_PER_SECOND,
  parseInterval,
  parseSymbol,
  symbolId,
  toIso,
} from "../domain/mod.ts";
export {
  type ArrayField,
  type BooleanField,
  type EnumField,
  type Field,
  field,
  type Infer,
  type NumberField,
  type StringField,
  type TableField,
} from "../config/mod.ts";
export * from "../indicators/mod.ts";
