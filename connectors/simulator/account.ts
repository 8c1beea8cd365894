/**
 * A test account on the simulated venue: API key and secret, one wallet per margin asset (USDT,
 * and USDC or any other a contract settles in), one-way positions with per-symbol leverage, and
 * the margin arithmetic the order checks use (initial margin = entry notional ÷ leverage, as
 * `lib/portfolio` computes it). A fill's fee and realized PnL and a funding payment move the
 * wallet of the contract's settle asset only; each asset margins its own contracts (Binance's
 * single-asset mode, `multiAssetsMargin: false`).
 *
 * @module
 */

import { type Decimal, decimal, initialMargin, ZERO } from "./_lib.ts";

/** Decimals of realized PnL in the venues' reports (and so of what reaches the wallet). */
const PNL_DECIMALS = 8;

/** The margin asset every account has a wallet of. */
const USDT = "USDT";

/** One account as configured (an accounts file or the default). */
export interface SimAccountSpec {
  /** API key the client sends. */
  readonly apiKey: string;
  /** Secret the client signs with. */
  readonly apiSecret: string;
  /** Starting USDT wallet balance (default 100,000). */
  readonly balance?: string;
  /** Starting wallets of other margin assets, e.g. `{ USDC: "5000" }` (default none). */
  readonly balances?: Readonly<Record<string, string>>;
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
  // Per margin asset: deposits + realized PnL − fees − funding paid; USDT always.
  readonly #wallets = new Map<string, Decimal>();
  // Per margin asset: Σ realized PnL over the account's life, fees included.
  readonly #cumRealized = new Map<string, Decimal>();
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
    this.#wallets.set(USDT, decimal(spec.balance ?? "100000"));
    for (const [asset, amount] of Object.entries(spec.balances ?? {})) {
      this.#wallets.set(asset, decimal(amount));
    }
    this.#defaultLeverage = decimal(spec.leverage ?? "10");
  }

  /** The USDT wallet balance (`walletOf("USDT")`); set by tests to move money in or out. */
  get wallet(): Decimal {
    return this.walletOf(USDT);
  }

  set wallet(amount: Decimal) {
    this.#wallets.set(USDT, amount);
  }

  /** The wallet balance of margin asset `asset` (0 for one the account never held). */
  walletOf(asset: string): Decimal {
    return this.#wallets.get(asset) ?? ZERO;
  }

  /** Σ realized PnL in `asset` over the account's life, fees included. */
  cumRealizedOf(asset: string): Decimal {
    return this.#cumRealized.get(asset) ?? ZERO;
  }

  /** The margin assets the account holds a wallet of, USDT first. */
  assets(): readonly string[] {
    return [...this.#wallets.keys()];
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
   * Applies a fill to the one-way position and the wallet of `asset` (the contract's settle
   * asset): the opposite part closes at the average entry (realizing PnL), the rest opens or
   * adds at the fill price.
   */
  applyFill(
    code: string,
    asset: string,
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
    this.#cumRealized.set(asset, this.cumRealizedOf(asset).plus(net));
    this.#wallets.set(asset, this.walletOf(asset).plus(net));
    position.seq = seq;
    position.updatedAt = now;
    return { realizedPnl, closedSize };
  }

  /** Books a funding payment on the wallet of `asset` (`amount` > 0 is paid, < 0 received). */
  payFunding(asset: string, amount: Decimal): void {
    this.#wallets.set(asset, this.walletOf(asset).minus(amount));
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
