/**
 * The float64 side of the portfolio: marks, position units and costs, balances and conversion
 * routes in typed arrays, so marking and valuing per bar is O(positions) with no allocation and
 * no Decimal. The exact state lives in the portfolio, which refreshes these caches only when it
 * changes (fills, funding, restore).
 *
 * @module
 */

import type { Instrument } from "../domain/mod.ts";
import type { ConversionRoute } from "./conversion.ts";

const KIND_INVERSE = 2;
const ROUTE_IDENTITY = 0;
const ROUTE_MULTIPLY = 1;

function kindCode(instrument: Instrument): number {
  switch (instrument.kind) {
    case "spot":
      return 0;
    case "linear":
      return 1;
    case "inverse":
      return KIND_INVERSE;
    default: {
      const unknown: never = instrument.kind;
      throw new TypeError(`Unknown instrument kind ${unknown}`);
    }
  }
}

function routeCode(route: ConversionRoute): number {
  switch (route.kind) {
    case "identity":
      return ROUTE_IDENTITY;
    case "multiply":
      return ROUTE_MULTIPLY;
    case "divide":
      return 2;
    default: {
      const unknown: never = route;
      throw new TypeError(`Unknown conversion route ${JSON.stringify(unknown)}`);
    }
  }
}

/** Float64 caches of a portfolio; instruments and currencies are addressed by index. */
export class Valuation {
  /** Last mark per instrument (NaN before the first). */
  readonly marks: Float64Array;
  /** Liquidation price per instrument (NaN when none). */
  readonly liquidation: Float64Array;
  readonly #kind: Int8Array;
  readonly #spot: Uint8Array;
  readonly #settleOf: Int32Array;
  readonly #leverage: Float64Array;
  readonly #units: Float64Array;
  readonly #cost: Float64Array;
  readonly #balance: Float64Array;
  readonly #routeKind: Int8Array;
  readonly #routeInstrument: Int32Array;
  readonly #openPerps: Int32Array;
  #openPerpCount = 0;
  // Positions open (spot or perp), kept by setPosition: read at every equity mark.
  #openCount = 0;

  /** Caches for `instruments` (settling in currency `settleOf[i]`) and `currencies` balances. */
  constructor(
    instruments: readonly Instrument[],
    settleOf: readonly number[],
    leverage: readonly number[],
    routes: readonly ConversionRoute[],
    balances: readonly number[],
  ) {
    const n = instruments.length;
    this.marks = new Float64Array(n).fill(NaN);
    this.liquidation = new Float64Array(n).fill(NaN);
    this.#kind = Int8Array.from(instruments, kindCode);
    this.#spot = Uint8Array.from(instruments, (i) => (i.kind === "spot" ? 1 : 0));
    this.#settleOf = Int32Array.from(settleOf);
    this.#leverage = Float64Array.from(leverage);
    this.#units = new Float64Array(n);
    this.#cost = new Float64Array(n);
    this.#balance = Float64Array.from(balances);
    this.#routeKind = Int8Array.from(routes, routeCode);
    this.#routeInstrument = Int32Array.from(
      routes,
      (r) => r.kind === "identity" ? -1 : r.instrument,
    );
    this.#openPerps = new Int32Array(n);
  }

  /** Signed units (quantity × multiplier) of instrument `i`. */
  units(i: number): number {
    return this.#units[i];
  }

  /** Value of one unit of currency `c` in the reporting currency (NaN without its mark). */
  rate(c: number): number {
    const kind = this.#routeKind[c];
    if (kind === ROUTE_IDENTITY) return 1;
    const mark = this.marks[this.#routeInstrument[c]];
    return kind === ROUTE_MULTIPLY ? mark : 1 / mark;
  }

  /** Unrealized PnL of instrument `i` at its mark, in its settle currency. */
  unrealized(i: number): number {
    const mark = this.marks[i];
    return this.#kind[i] === KIND_INVERSE
      ? this.#cost[i] - this.#units[i] / mark
      : this.#units[i] * mark - this.#cost[i];
  }

  /** Balances plus unrealized PnL of open perps, in the reporting currency (NaN: a mark missing). */
  equity(): number {
    let total = 0;
    const balances = this.#balance;
    for (let c = 0; c < balances.length; c++) {
      const amount = balances[c];
      if (amount !== 0) total += amount * this.rate(c);
    }
    for (let k = 0; k < this.#openPerpCount; k++) {
      const i = this.#openPerps[k];
      total += this.unrealized(i) * this.rate(this.#settleOf[i]);
    }
    return total;
  }

  /** Whether any position is open. */
  hasOpenPositions(): boolean {
    return this.#openCount > 0;
  }

  /** Σ |notional| of open positions at their marks, in the reporting currency (NaN: a mark missing). */
  grossExposure(): number {
    let total = 0;
    for (let i = 0; i < this.#units.length; i++) {
      const units = this.#units[i];
      if (units === 0) continue;
      const mark = this.marks[i];
      const value = this.#kind[i] === KIND_INVERSE ? units / mark : units * mark;
      total += Math.abs(value) * this.rate(this.#settleOf[i]);
    }
    return total;
  }

  /** Balance of currency `c` plus unrealized PnL, minus initial margin, of perps settled in it. */
  freeMargin(c: number): number {
    let free = this.#balance[c];
    for (let k = 0; k < this.#openPerpCount; k++) {
      const i = this.#openPerps[k];
      if (this.#settleOf[i] !== c) continue;
      free += this.unrealized(i) - Math.abs(this.#cost[i]) / this.#leverage[i];
    }
    return free;
  }

  /** Replaces the balance cache of currency `c`. */
  setBalance(c: number, balance: number): void {
    this.#balance[c] = balance;
  }

  /** Replaces the balance caches. */
  setBalances(balances: readonly number[]): void {
    for (let c = 0; c < balances.length; c++) this.#balance[c] = balances[c];
  }

  /**
   * Replaces instrument `i`'s position caches: signed units, entry cost (positive; signed here
   * like the units) and liquidation price (NaN when none).
   */
  setPosition(i: number, units: number, cost: number, liquidation: number): void {
    this.#units[i] = units;
    this.#cost[i] = units < 0 ? -cost : cost;
    this.liquidation[i] = liquidation;
    let count = 0;
    let open = 0;
    for (let j = 0; j < this.#units.length; j++) {
      if (this.#units[j] === 0) continue;
      open++;
      if (this.#spot[j] === 0) this.#openPerps[count++] = j;
    }
    this.#openPerpCount = count;
    this.#openCount = open;
  }
}
