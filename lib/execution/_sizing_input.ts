/**
 * The input a sizer gets from the OMS, whose account figures are read only if the sizer reads
 * them: a fixed size reads none, and equity, its currency rate and the volatility were three
 * account calls on every sized signal (issue 19).
 *
 * @module
 */

import type { Instrument, Signal } from "../domain/mod.ts";
import type { AccountView } from "./oms_ports.ts";
import type { SizingInput } from "./sizer.ts";

/** A {@linkcode SizingInput} over the account view, its equity and volatility read on access. */
export class AccountSizingInput implements SizingInput {
  /** The signal being sized. */
  readonly signal: Signal;
  /** Its instrument. */
  readonly instrument: Instrument;
  /** Reference price (the symbol's last price). */
  readonly price: number;
  readonly #account: AccountView;
  // Each figure is read from the account once, on first access (a sizer may read it twice).
  #equity: number | undefined;
  #volatility: number | undefined;
  #volatilityRead = false;

  /** The input for sizing `signal` on `instrument` at `price`, over `account`. */
  constructor(signal: Signal, instrument: Instrument, price: number, account: AccountView) {
    this.signal = signal;
    this.instrument = instrument;
    this.price = price;
    this.#account = account;
  }

  /** Account equity in the instrument's settle currency (BTC for an inverse XBTUSD). */
  get equity(): number {
    this.#equity ??= this.#account.equity() / this.#account.rateOf(this.instrument.settle);
    return this.#equity;
  }

  /** The symbol's volatility estimate (ATR), when one is tracked. */
  get volatility(): number | undefined {
    if (!this.#volatilityRead) {
      this.#volatility = this.#account.volatility(this.signal.symbol);
      this.#volatilityRead = true;
    }
    return this.#volatility;
  }
}
