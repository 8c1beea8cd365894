/**
 * A test account on the simulated venue: API key and secret, a USDT wallet, one-way
 * positions with per-symbol leverage, and the margin arithmetic the order checks use
 * (initial margin = entry notional ÷ leverage, as `lib/portfolio` computes it).
 *
 * @module
 */

import { type Decimal, decimal, initialMargin, ZERO } from "./_lib.ts";

/** Decimals of realized PnL in the venues' reports (and so of what reaches the wallet). */
const PNL_DECIMALS = 8;

/** One account as configured (an accounts file or the default). */
export interface SimAccountSpec {
  /** API key the client sends. */
  readonly apiKey: string;
  /** Secret the client signs with. */
  readonly apiSecret: string;
  /** Starting USDT wallet balance (default 100,000). */
  readonly balance?: string;
  /** Default leverage of every symbol (default 10). */
  readonly leverage?: string;
}

/** A one-way position in one symbol. */
export interface SimPosition {
  /** Signed size: positive long, negative short. */
  size: Decimal;
  /** Average entry price (0 when flat). */
  entryPrice: Decimal;
  /** Leverage. */
  leverage: Decimal;
  /** Realized PnL since the position was last opened from flat (fees included). */
  curRealized: Decimal;
  /** Realized PnL over the account's life (fees included). */
  cumRealized: Decimal;
  /** Sequence number of the last change. */
  seq: number;
  /** Creation time, ms. */
  createdAt: number;
  /** Last change, ms. */
  updatedAt: number;
}

/** What a fill did to a position. */
export interface PositionChange {
  /** Realized PnL of the closed part (before fees). */
  readonly realizedPnl: Decimal;
  /** Quantity closed. */
  readonly closedSize: Decimal;
}

/** A test account. */
export class SimAccount {
  /** Index in the simulator's account list. */
  readonly id: number;
  /** API key. */
  readonly apiKey: string;
  /** API secret. */
  readonly apiSecret: string;
  /** Settle coin. */
  readonly coin = "USDT";
  /** Wallet balance: deposits + realized PnL − fees. */
  wallet: Decimal;
  /** Σ realized PnL over the account's life, fees included. */
  cumRealized: Decimal = ZERO;
  /**
   * Whether the account is set to hedge position mode (Binance `dualSidePosition`). The
   * simulator keeps one-way positions whatever it says; clients read it before trading.
   */
  hedgeMode = false;
  /** Margin type per symbol where it is not the default cross (Binance `marginType`). */
  readonly isolated = new Set<string>();
  readonly #defaultLeverage: Decimal;
  readonly #positions = new Map<string, SimPosition>();

  /** Makes the account `id` from its spec. */
  constructor(id: number, spec: SimAccountSpec) {
    this.id = id;
    this.apiKey = spec.apiKey;
    this.apiSecret = spec.apiSecret;
    this.wallet = decimal(spec.balance ?? "100000");
    this.#defaultLeverage = decimal(spec.leverage ?? "10");
  }

  /** The position in `code` (created flat on first use). */
  position(code: string, now: number): SimPosition {
    let position = this.#positions.get(code);
    if (position === undefined) {
      position = {
        size: ZERO,
        entryPrice: ZERO,
        leverage: this.#defaultLeverage,
        curRealized: ZERO,
        cumRealized: ZERO,
        seq: 0,
        createdAt: now,
        updatedAt: now,
      };
      this.#positions.set(code, position);
    }
    return position;
  }

  /** Codes of every position the account has touched. */
  positionCodes(): readonly string[] {
    return [...this.#positions.keys()];
  }

  /**
   * Applies a fill to the one-way position and the wallet: the opposite part closes at
   * the average entry (realizing PnL), the rest opens or adds at the fill price.
   */
  applyFill(
    code: string,
    signedQuantity: Decimal,
    price: Decimal,
    fee: Decimal,
    now: number,
    seq: number,
  ): PositionChange {
    const position = this.position(code, now);
    const size = position.size;
    let realizedPnl = ZERO;
    let closedSize = ZERO;
    if (size.isZero() || size.isNeg() === signedQuantity.isNeg()) {
      const total = size.abs().plus(signedQuantity.abs());
      position.entryPrice = size.abs().times(position.entryPrice)
        .plus(signedQuantity.abs().times(price)).div(total);
      if (size.isZero()) position.curRealized = ZERO;
      position.size = size.plus(signedQuantity);
    } else {
      closedSize = minOf(size.abs(), signedQuantity.abs());
      const direction = size.isNeg() ? -1 : 1;
      // Booked to 8 decimals as the venues report it (an average entry may have endless ones).
      realizedPnl = decimal(
        price.minus(position.entryPrice).times(closedSize).times(direction).toFixed(PNL_DECIMALS),
      );
      const next = size.plus(signedQuantity);
      if (next.isZero()) position.entryPrice = ZERO;
      else if (next.isNeg() !== size.isNeg()) position.entryPrice = price;
      position.size = next;
    }
    const net = realizedPnl.minus(fee);
    position.curRealized = position.curRealized.plus(net);
    position.cumRealized = position.cumRealized.plus(net);
    this.cumRealized = this.cumRealized.plus(net);
    this.wallet = this.wallet.plus(net);
    position.seq = seq;
    position.updatedAt = now;
    return { realizedPnl, closedSize };
  }

  /** Books a funding payment on the wallet (`amount` > 0 is paid, < 0 received). */
  payFunding(amount: Decimal): void {
    this.wallet = this.wallet.minus(amount);
  }

  /** Unrealized PnL of the position in `code` at `mark`. */
  unrealized(code: string, mark: Decimal): Decimal {
    const position = this.#positions.get(code);
    if (position === undefined || position.size.isZero()) return ZERO;
    return mark.minus(position.entryPrice).times(position.size);
  }

  /** Initial margin held by the position in `code`. */
  positionMargin(code: string): Decimal {
    const position = this.#positions.get(code);
    if (position === undefined || position.size.isZero()) return ZERO;
    return initialMargin(position.size.abs().times(position.entryPrice), position.leverage);
  }
}

function minOf(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}
