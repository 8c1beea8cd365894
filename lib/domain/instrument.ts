/**
 * Instrument specifications: what a symbol is, and the tick/lot/notional grid every order
 * must sit on. {@linkcode validateOrder} is the one validator backtest and live both use.
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type DecimalValue,
  isMultipleOfStep,
  isPositive,
  multiply,
  ONE,
  type RoundingMode,
  roundToStep,
  ZERO,
} from "./decimal.ts";
import { formatSymbol, parseSymbol, type SymbolId } from "./symbol.ts";

/** Contract kind: spot, linear (quote-margined) perp, or inverse (base-margined) perp. */
export type InstrumentKind = "spot" | "linear" | "inverse";

/** The specification of one tradable instrument. */
export interface Instrument {
  /** Venue-qualified symbol, `venue:CODE`. */
  readonly symbol: SymbolId;
  /** Venue name. */
  readonly venue: string;
  /** The venue's code. */
  readonly code: string;
  /** Contract kind. */
  readonly kind: InstrumentKind;
  /** Base currency (BTC in BTCUSDT). */
  readonly base: string;
  /** Quote currency (USDT in BTCUSDT). */
  readonly quote: string;
  /** Currency margin and PnL settle in: quote for spot/linear, base for inverse. */
  readonly settle: string;
  /** Price grid. */
  readonly tickSize: Decimal;
  /** Quantity grid. */
  readonly lotSize: Decimal;
  /** Smallest order quantity. */
  readonly minQuantity: Decimal;
  /** Smallest order notional, in the settle currency (0 = no minimum). */
  readonly minNotional: Decimal;
  /** Contract multiplier: base units per contract (linear/spot), quote value per contract (inverse). */
  readonly multiplier: Decimal;
  /** Maker fee rate (0.0002 = 2 bps); negative is a rebate. */
  readonly makerFee: Decimal;
  /** Taker fee rate. */
  readonly takerFee: Decimal;
  /** Hours between funding payments for perps; undefined for spot. */
  readonly fundingIntervalHours: number | undefined;
}

/** Plain input for {@linkcode makeInstrument}: decimals may be strings or numbers. */
export interface InstrumentSpec {
  /** `venue:CODE`. */
  readonly symbol: string;
  /** Contract kind. */
  readonly kind: InstrumentKind;
  /** Base currency. */
  readonly base: string;
  /** Quote currency. */
  readonly quote: string;
  /** Settle currency; defaults to quote (spot, linear) or base (inverse). */
  readonly settle?: string;
  /** Price grid. */
  readonly tickSize: DecimalValue;
  /** Quantity grid. */
  readonly lotSize: DecimalValue;
  /** Smallest quantity; defaults to the lot size. */
  readonly minQuantity?: DecimalValue;
  /** Smallest notional; defaults to 0. */
  readonly minNotional?: DecimalValue;
  /** Contract multiplier; defaults to 1. */
  readonly multiplier?: DecimalValue;
  /** Maker fee rate; defaults to 0. */
  readonly makerFee?: DecimalValue;
  /** Taker fee rate; defaults to 0. */
  readonly takerFee?: DecimalValue;
  /** Hours between fundings; defaults to 8 for perps. */
  readonly fundingIntervalHours?: number;
}

function positive(value: DecimalValue, name: string, symbol: string): Decimal {
  const result = decimal(value);
  if (!result.gt(0)) {
    throw new RangeError(`Instrument ${symbol}: ${name} must be positive, got ${result}`);
  }
  return result;
}

/**
 * Builds a validated instrument from plain values.
 *
 * @throws {RangeError} naming the field when a value is out of range.
 */
export function makeInstrument(spec: InstrumentSpec): Instrument {
  const parts = parseSymbol(spec.symbol);
  const symbol = formatSymbol(parts);
  const minNotional = decimal(spec.minNotional ?? 0);
  if (minNotional.isNeg()) {
    throw new RangeError(`Instrument ${symbol}: minNotional must not be negative`);
  }
  const lotSize = positive(spec.lotSize, "lotSize", symbol);
  const minQuantity = positive(spec.minQuantity ?? lotSize, "minQuantity", symbol);
  const isPerp = spec.kind !== "spot";
  return {
    symbol,
    venue: parts.venue,
    code: parts.code,
    kind: spec.kind,
    base: spec.base,
    quote: spec.quote,
    settle: spec.settle ?? (spec.kind === "inverse" ? spec.base : spec.quote),
    tickSize: positive(spec.tickSize, "tickSize", symbol),
    lotSize,
    minQuantity,
    minNotional,
    multiplier: positive(spec.multiplier ?? ONE, "multiplier", symbol),
    makerFee: decimal(spec.makerFee ?? ZERO),
    takerFee: decimal(spec.takerFee ?? ZERO),
    fundingIntervalHours: isPerp ? spec.fundingIntervalHours ?? 8 : undefined,
  };
}

/** Rounds a price onto the tick grid (`mode` e.g. `ceil` for buys crossing, `floor` for sells). */
export function roundPrice(instrument: Instrument, price: Decimal, mode: RoundingMode): Decimal {
  return roundToStep(price, instrument.tickSize, mode);
}

/** Rounds a quantity down onto the lot grid (never sends more than asked). */
export function roundQuantity(instrument: Instrument, quantity: Decimal): Decimal {
  return roundToStep(quantity, instrument.lotSize, "down");
}

/**
 * Notional of `quantity` at `price` in the settle currency:
 * `qty × multiplier × price` for spot/linear, `qty × multiplier / price` for inverse.
 */
export function notional(instrument: Instrument, price: Decimal, quantity: Decimal): Decimal {
  // Every fill and valuation comes here: no copy for |q| of a positive q, and a unit
  // multiplier (most instruments) is not multiplied.
  const units = multiply(quantity.isNeg() ? quantity.abs() : quantity, instrument.multiplier);
  switch (instrument.kind) {
    case "spot":
    case "linear":
      return units.times(price);
    case "inverse":
      return units.div(price);
    default: {
      const unknownKind: never = instrument.kind;
      throw new TypeError(`Unknown instrument kind ${unknownKind}`);
    }
  }
}

/** One reason an order does not fit its instrument. */
export interface OrderViolation {
  /** Which rule failed. */
  readonly rule: "quantity" | "lot" | "min-quantity" | "price" | "tick" | "min-notional";
  /** Human-readable reason with the numbers involved. */
  readonly message: string;
}

/** The parts of an order the validator looks at. */
export interface OrderShape {
  /** Order quantity (positive). */
  readonly quantity: Decimal;
  /** Limit price, when the order has one. */
  readonly price?: Decimal;
  /** Trigger price of stop orders. */
  readonly triggerPrice?: Decimal;
}

function checkPrice(
  violations: OrderViolation[],
  instrument: Instrument,
  name: string,
  price: Decimal | undefined,
): void {
  if (price === undefined) return;
  const where = instrument.symbol;
  if (!isPositive(price)) {
    violations.push({
      rule: "price",
      message: `${where}: ${name} must be positive, got ${price}`,
    });
  } else if (!isMultipleOfStep(price, instrument.tickSize)) {
    violations.push({
      rule: "tick",
      message:
        `${where}: ${name} ${price} is not a multiple of the tick size ${instrument.tickSize}`,
    });
  }
}

/**
 * Checks an order against the instrument's grid: positive quantity, lot multiple, minimum
 * quantity, prices positive and on tick, and minimum notional at `referencePrice` (the limit
 * price, or for market orders the price the caller expects). Returns every violation;
 * an empty array means the order is valid.
 */
export function validateOrder(
  instrument: Instrument,
  order: OrderShape,
  referencePrice?: Decimal,
): readonly OrderViolation[] {
  const violations: OrderViolation[] = [];
  const { quantity } = order;
  const where = instrument.symbol;
  if (!isPositive(quantity)) {
    violations.push({
      rule: "quantity",
      message: `${where}: quantity must be positive, got ${quantity}`,
    });
    return violations;
  }
  if (!isMultipleOfStep(quantity, instrument.lotSize)) {
    violations.push({
      rule: "lot",
      message:
        `${where}: quantity ${quantity} is not a multiple of the lot size ${instrument.lotSize}`,
    });
  }
  if (quantity.lt(instrument.minQuantity)) {
    violations.push({
      rule: "min-quantity",
      message: `${where}: quantity ${quantity} is below the minimum ${instrument.minQuantity}`,
    });
  }
  checkPrice(violations, instrument, "price", order.price);
  checkPrice(violations, instrument, "trigger price", order.triggerPrice);
  const priceForNotional = order.price ?? referencePrice;
  if (
    priceForNotional !== undefined && isPositive(priceForNotional) &&
    isPositive(instrument.minNotional)
  ) {
    const value = notional(instrument, priceForNotional, quantity);
    if (value.lt(instrument.minNotional)) {
      violations.push({
        rule: "min-notional",
        message:
          `${where}: notional ${value} ${instrument.settle} is below the minimum ${instrument.minNotional}`,
      });
    }
  }
  return violations;
}
