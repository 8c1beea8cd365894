/**
 * The pre-trade account check of a live session: before trading, what the venue says about the
 * account is compared with what the engine assumes — one-way position mode, the configured
 * margin mode, the leverage, and each traded instrument's maker/taker fee rates against the
 * markets file. A difference refuses the start with one message listing every difference and
 * how to fix it, or, where the config says so (`on_mismatch = "adopt"`), the venue's leverage
 * and fees are adopted (position and margin mode are never adopted: the engine's accounting
 * models one-way positions in the configured margin mode).
 *
 * @module
 */

import { ConfigError, type Decimal, type Instrument, type SymbolId } from "../domain/mod.ts";

/** What the venue reports about the account (a field the venue cannot tell is left out). */
export interface AccountFacts {
  /** `one-way` (one netted position per symbol) or `hedge` (long and short side by side). */
  readonly positionMode?: "one-way" | "hedge";
  /** The account's margin mode (venues that set it for the whole account: Bybit). */
  readonly marginMode?: "isolated" | "cross" | "portfolio";
  /** The margin mode per traded symbol (venues that set it per symbol: Binance). */
  readonly marginModes?: ReadonlyMap<SymbolId, "isolated" | "cross">;
  /** Leverage per traded symbol. */
  readonly leverage?: ReadonlyMap<SymbolId, number>;
  /** Fee rates per traded symbol. */
  readonly fees?: ReadonlyMap<SymbolId, { readonly maker: Decimal; readonly taker: Decimal }>;
}

/** What the session assumes. */
export interface AccountExpectations {
  /** The margin mode the account must be in. */
  readonly marginMode: "isolated" | "cross";
  /** The leverage the session accounts with. */
  readonly leverage: number;
  /** The traded instruments (their fee rates from the markets file). */
  readonly instruments: readonly Instrument[];
  /** `refuse` (default) or `adopt` the venue's leverage and fees. */
  readonly onMismatch?: "refuse" | "adopt";
}

/** What the check decided. */
export interface AccountCheckResult {
  /** The leverage to account with (the venue's when adopted). */
  readonly leverage: number;
  /** The instruments to trade with (the venue's fees when adopted). */
  readonly instruments: readonly Instrument[];
  /** One line per adopted difference, for the log. */
  readonly adopted: readonly string[];
}

/**
 * Checks `facts` against `expected`.
 *
 * @throws {ConfigError} listing every difference that is refused, with the fix.
 */
export function checkAccount(
  facts: AccountFacts,
  expected: AccountExpectations,
): AccountCheckResult {
  const adopt = expected.onMismatch === "adopt";
  const refused: string[] = [];
  const adopted: string[] = [];
  if (facts.positionMode === "hedge") {
    refused.push("the account is in hedge position mode; the engine trades one-way positions");
  }
  if (facts.marginMode !== undefined && facts.marginMode !== expected.marginMode) {
    refused.push(
      `the account's margin mode is ${facts.marginMode}, the session expects ${expected.marginMode}`,
    );
  }
  for (const [symbol, mode] of facts.marginModes ?? []) {
    if (mode === expected.marginMode) continue;
    refused.push(
      `${symbol}: margin mode ${mode} at the venue, the session expects ${expected.marginMode}`,
    );
  }
  let leverage = expected.leverage;
  const venueLeverages = new Set((facts.leverage ?? new Map()).values());
  for (const [symbol, venue] of facts.leverage ?? []) {
    if (venue === expected.leverage) continue;
    const line = `${symbol}: leverage ${venue} at the venue, ${expected.leverage} configured`;
    // One session accounts with one leverage: differing ones cannot all be adopted.
    if (!adopt || venueLeverages.size > 1) refused.push(line);
    else {
      adopted.push(`${line}: accounting with ${venue}`);
      leverage = venue;
    }
  }
  const instruments = expected.instruments.map((instrument) => {
    const venue = facts.fees?.get(instrument.symbol);
    if (venue === undefined) return instrument;
    if (venue.maker.eq(instrument.makerFee) && venue.taker.eq(instrument.takerFee)) {
      return instrument;
    }
    const line = `${instrument.symbol}: fee rates maker ${venue.maker} / taker ${venue.taker} ` +
      `at the venue, ${instrument.makerFee} / ${instrument.takerFee} in the markets file`;
    if (!adopt) {
      refused.push(line);
      return instrument;
    }
    adopted.push(`${line}: using the venue's`);
    return { ...instrument, makerFee: venue.maker, takerFee: venue.taker };
  });
  if (refused.length > 0) {
    throw new ConfigError(`the account does not match the session: ${refused.join("; ")}`, {
      hint: "set the account up at the venue (one-way mode, margin mode, leverage), fix " +
        "live.account (margin_mode, leverage) or the markets file, or set " +
        `live.account.on_mismatch = "adopt" to use the venue's leverage and fees`,
    });
  }
  return { leverage, instruments, adopted };
}
