import {
  decimal,
  type DecimalValue,
  type Fill,
  type Instrument,
  type Liquidity,
  makeInstrument,
  type Side,
} from "../../../lib/domain/mod.ts";

export const LINEAR: Instrument = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  makerFee: "-0.0001",
  takerFee: "0.0006",
});

export const INVERSE: Instrument = makeInstrument({
  symbol: "bybit:BTCUSD",
  kind: "inverse",
  base: "BTC",
  quote: "USD",
  tickSize: "0.5",
  lotSize: "1",
  makerFee: "-0.0001",
  takerFee: "0.0006",
});

export const SPOT: Instrument = makeInstrument({
  symbol: "binance:BTCUSDT",
  kind: "spot",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.01",
  lotSize: "0.00001",
});

let sequence = 0;

/** A fill with the given numbers; ids are unique per call. */
export function fill(
  instrument: Instrument,
  side: Side,
  quantity: DecimalValue,
  price: DecimalValue,
  fee: DecimalValue,
  options: { readonly feeCurrency?: string; readonly liquidity?: Liquidity } = {},
): Fill {
  sequence++;
  return {
    orderId: `o${sequence}`,
    clientOrderId: `c${sequence}`,
    symbol: instrument.symbol,
    side,
    price: decimal(price),
    quantity: decimal(quantity),
    fee: decimal(fee),
    feeCurrency: options.feeCurrency ?? instrument.settle,
    liquidity: options.liquidity ?? (decimal(fee).isNeg() ? "maker" : "taker"),
    tradeId: `t${sequence}`,
  };
}

/** Decimal fields of a value as strings, for exact comparisons with assert.deepEqual. */
export function strings(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value));
}
