/**
 * Price and sign helpers of the OMS: float prices onto the tick grid (snapped to 15 significant
 * digits first), and a memo of the rounding and checks the OMS repeats: amends of quoting
 * strategies, and the sized quantity of signals (a fixed sizer asks for the same one each time).
 *
 * @module
 */

import {
  type Decimal,
  decimal,
  type Instrument,
  type OrderViolation,
  type RoundingMode,
  roundPrice,
  roundQuantity,
  validateOrder,
} from "../domain/mod.ts";

/** −1, 0 or 1 as the decimal is negative, zero or positive. */
export function signOf(value: Decimal): -1 | 0 | 1 {
  return value.isZero() ? 0 : value.isNeg() ? -1 : 1;
}

/**
 * A float price onto the tick grid. It first snaps to 15 significant digits, so a computed
 * price such as 2.3 × 100 = 229.99999999999997 counts as the 230 it stands for and is not
 * pushed a whole tick away by the directed rounding.
 */
export function tickPrice(instrument: Instrument, price: number, mode: RoundingMode): Decimal {
  return roundPrice(instrument, decimal(Number(price.toPrecision(15))), mode);
}

// Rounding and validating an amend is Decimal work, and a quoting strategy amends to the same
// few prices over and over: both are pure functions of immutable inputs, so they are memoized
// (per instrument object; price Decimals by identity, so a memoized price finds its checks).
const MEMO_LIMIT = 4096;
const NUMBER_SLOTS = 8;

/**
 * A float quantity onto the lot grid (rounded down), after the same 15-significant-digit snap
 * as {@linkcode tickPrice}.
 */
export function lotQuantity(instrument: Instrument, quantity: number): Decimal {
  return roundQuantity(instrument, decimal(Number(quantity.toPrecision(15))));
}

/** The numbers of an instrument the checks use on every order, converted once. */
export interface InstrumentNumbers {
  /** `minNotional` as a number. */
  readonly minNotional: number;
  /** `multiplier` as a number. */
  readonly multiplier: number;
  /** `takerFee` as a number. */
  readonly takerFee: number;
}

/** Memoized rounding and checks of the OMS (pure functions of immutable inputs). */
export class OrderMemo {
  readonly #constants = new Map<Instrument, InstrumentNumbers>();
  // Most runs trade one instrument: the last one asked for skips the map.
  #lastInstrument: Instrument | undefined;
  #lastConstants: InstrumentNumbers | undefined;
  readonly #prices = new Map<Instrument, Map<number, Decimal>>();
  readonly #quantities = new Map<Instrument, Map<number, Decimal>>();
  // A few recent Decimal→number conversions, by identity: one order's checks convert its
  // quantity, the position and the instrument's minimum and multiplier, several times each.
  // (A WeakMap costs more than the conversion it saves.)
  readonly #converted: (Decimal | undefined)[] = new Array(NUMBER_SLOTS).fill(undefined);
  readonly #numbers = new Float64Array(NUMBER_SLOTS);
  #slot = 0;
  #lastQuantity: {
    readonly instrument: Instrument;
    readonly raw: number;
    readonly rounded: Decimal;
  } | undefined;
  #lastQuantityCheck: {
    readonly instrument: Instrument;
    readonly quantity: Decimal;
    readonly violations: readonly OrderViolation[];
  } | undefined;
  readonly #checks = new Map<Decimal, {
    readonly instrument: Instrument;
    readonly quantity: Decimal;
    readonly violations: readonly OrderViolation[];
  }>();

  /** The instrument's {@linkcode InstrumentNumbers} (an instrument is immutable). */
  constants(instrument: Instrument): InstrumentNumbers {
    if (instrument === this.#lastInstrument && this.#lastConstants !== undefined) {
      return this.#lastConstants;
    }
    let constants = this.#constants.get(instrument);
    if (constants === undefined) {
      constants = {
        minNotional: instrument.minNotional.toNumber(),
        multiplier: instrument.multiplier.toNumber(),
        takerFee: instrument.takerFee.toNumber(),
      };
      this.#constants.set(instrument, constants);
    }
    this.#lastInstrument = instrument;
    this.#lastConstants = constants;
    return constants;
  }

  /** `tickPrice` for amends, memoized per instrument. */
  price(instrument: Instrument, price: number, mode: "floor" | "ceil"): Decimal {
    let memo = this.#prices.get(instrument);
    if (memo === undefined) {
      memo = new Map();
      this.#prices.set(instrument, memo);
    }
    // Floor and ceil keys apart: ceil prices are stored negated (a price is never 0 here,
    // and a zero or negative price just misses the memo).
    const key = mode === "floor" ? price : -price;
    let rounded = price > 0 ? memo.get(key) : undefined;
    if (rounded === undefined) {
      rounded = tickPrice(instrument, price, mode);
      if (price > 0) {
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(key, rounded);
      }
    }
    return rounded;
  }

  /** {@linkcode lotQuantity}, memoized per instrument (a fixed sizer sizes every signal alike). */
  quantity(instrument: Instrument, quantity: number): Decimal {
    const last = this.#lastQuantity;
    if (last !== undefined && last.raw === quantity && last.instrument === instrument) {
      return last.rounded;
    }
    let memo = this.#quantities.get(instrument);
    if (memo === undefined) {
      memo = new Map();
      this.#quantities.set(instrument, memo);
    }
    let rounded = memo.get(quantity);
    if (rounded === undefined) {
      rounded = lotQuantity(instrument, quantity);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(quantity, rounded);
    }
    this.#lastQuantity = { instrument, raw: quantity, rounded };
    return rounded;
  }

  /** `value.toNumber()`, remembered for the last few Decimals converted (by identity). */
  numberOf(value: Decimal): number {
    const converted = this.#converted;
    for (let i = 0; i < NUMBER_SLOTS; i++) {
      if (converted[i] === value) return this.#numbers[i];
    }
    const number = value.toNumber();
    const slot = this.#slot;
    converted[slot] = value;
    this.#numbers[slot] = number;
    this.#slot = (slot + 1) % NUMBER_SLOTS;
    return number;
  }

  /**
   * `validateOrder` of an order without prices checked without a reference price (the lot and
   * minimum-quantity rules alone), remembered for the last quantity Decimal (by identity): a
   * fixed sizer's signals all carry the memoized quantity.
   */
  quantityViolations(instrument: Instrument, quantity: Decimal): readonly OrderViolation[] {
    const last = this.#lastQuantityCheck;
    if (last !== undefined && last.quantity === quantity && last.instrument === instrument) {
      return last.violations;
    }
    const violations = validateOrder(instrument, { quantity });
    this.#lastQuantityCheck = { instrument, quantity, violations };
    return violations;
  }

  /** `validateOrder` of a limit amend, memoized by the price Decimal's identity. */
  violations(instrument: Instrument, quantity: Decimal, price: Decimal): readonly OrderViolation[] {
    const hit = this.#checks.get(price);
    if (hit !== undefined && hit.quantity === quantity && hit.instrument === instrument) {
      return hit.violations;
    }
    const violations = validateOrder(instrument, { quantity, price });
    if (this.#checks.size >= MEMO_LIMIT) this.#checks.clear();
    this.#checks.set(price, { instrument, quantity, violations });
    return violations;
  }
}
