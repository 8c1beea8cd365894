/**
 * The portfolio: exact balances, netted positions, PnL, fees, funding, isolated margin and
 * liquidation, with float64 caches so that marking and valuing per bar never touches Decimal.
 *
 * @module
 */

import {
  assertMicros,
  type Balance,
  type Decimal,
  decimal,
  type DecimalValue,
  type Fill,
  type FundingPayment,
  type Instrument,
  isPositive,
  type Micros,
  multiply,
  notional,
  ONE,
  type Position,
  roundPrice,
  type Side,
  type SymbolId,
  ZERO,
} from "../domain/mod.ts";
import type { ReconciliationEvent } from "../events/mod.ts";
import { type ConversionRoute, planConversions } from "./conversion.ts";
import { initialMargin, liquidationPrice, maintenanceMargin, marginCallPrice } from "./margin.ts";
import {
  planReconciliation,
  type VenueAnswer,
  type VenueBalance,
  type VenuePosition,
} from "./reconcile.ts";
import type { RoundTrip } from "./round_trip.ts";
import { PORTFOLIO_SNAPSHOT_VERSION, type PortfolioSnapshot } from "./snapshot.ts";
import { TradeLedger } from "./trade_ledger.ts";
import { Valuation } from "./_valuation.ts";

/** How to build a {@linkcode Portfolio}. */
export interface PortfolioOptions {
  /** Every instrument the portfolio may hold. */
  readonly instruments: readonly Instrument[];
  /** Starting wallet balances by currency. */
  readonly initialBalances: Readonly<Record<string, DecimalValue>>;
  /** Currency that equity, fees, funding, realized PnL and turnover totals are reported in. */
  readonly reportingCurrency: string;
  /** Leverage of perpetual positions (isolated margin); at least 1; default 1. */
  readonly leverage?: number;
  /** Per-symbol leverage overrides. */
  readonly leverageBySymbol?: Readonly<Record<SymbolId, number>>;
  /** Maintenance margin rate of perpetual positions, below 1/leverage; default 0.005. */
  readonly maintenanceMarginRate?: number;
}

/** What {@linkcode Portfolio.bookFundingPayment} did with a payment. */
export type FundingBooking = "booked" | "repeat" | "unbookable";

/** What one fill did. */
export interface FillEffect {
  /** The position after the fill. */
  readonly position: Position;
  /** PnL realized by the fill (settle currency, before fees). */
  readonly realizedPnl: Decimal;
  /** The fee booked, in the fill's fee currency (negative = rebate). */
  readonly fee: Decimal;
  /** Quantity that reduced the previous position. */
  readonly closedQuantity: Decimal;
  /** Quantity that opened or added to a position. */
  readonly openedQuantity: Decimal;
  /** The round trip this fill completed, if any. */
  readonly roundTrip: RoundTrip | undefined;
  /**
   * Value of one unit of the settle currency in the reporting currency at this fill (taken at
   * the fill price when the conversion goes through the filled instrument).
   */
  readonly settleRate: Decimal;
}

/** A bar touched a position's liquidation price; the venue should fill the closing order. */
export interface LiquidationTrigger {
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Side of the closing fill (sell for a long). */
  readonly side: Side;
  /** Quantity to close: the whole position. */
  readonly quantity: Decimal;
  /** The exact liquidation price as a float64. */
  readonly price: number;
  /**
   * Where the venue closes the position: its bankruptcy price (the whole isolated margin is
   * lost, as Bybit and Binance close it), on the tick grid, rounded against the position.
   */
  readonly fillPrice: Decimal;
}

/** Mutable exact state of one symbol (private to the portfolio). */
interface Book {
  readonly index: number;
  readonly instrument: Instrument;
  readonly leverage: Decimal;
  readonly settle: number;
  readonly base: number;
  readonly quote: number;
  quantity: Decimal;
  /** Entry notional of the open quantity in the settle currency: Σ u·p, or Σ u/p for inverse. */
  cost: Decimal;
  realizedPnl: Decimal;
  liquidation: Decimal | undefined;
  /**
   * Price at which the position's whole isolated margin is gone; computed on first use after
   * each change (only a liquidation needs it, and fills change it).
   */
  bankruptcy: Decimal | undefined;
  /** Whether `bankruptcy` is computed for the current position. */
  bankruptcyKnown: boolean;
  /** Funding taken from the isolated margin (the balance was short); it moves both prices. */
  drawn: Decimal;
  liquidationPending: boolean;
  /** The Position record, built on first query after each change (venues ask every bar). */
  position: Position | undefined;
}

/** The price at which `quantity` costs `cost` (the inverse of `notional`). */
function priceOfCost(instrument: Instrument, quantity: Decimal, cost: Decimal): Decimal {
  const units = quantity.abs().times(instrument.multiplier);
  return instrument.kind === "inverse" ? units.div(cost) : cost.div(units);
}

function checkLeverage(value: number, where: string): Decimal {
  if (!Number.isFinite(value) || value < 1) {
    throw new RangeError(`Portfolio: leverage${where} must be a finite number ≥ 1, got ${value}`);
  }
  return decimal(value);
}

/**
 * Exact accounting for one account. Balances are per currency; positions are netted per
 * symbol with an average entry (held as the exact entry notional, so a full close realizes
 * exactly what was paid); fees and funding are booked separately from realized PnL.
 *
 * - Spot: a buy spends quote and adds base; a sell does the reverse. Spot cannot go short:
 *   a sell beyond the position bought through fills, or one that would leave the base balance
 *   negative (a fee charged in base makes the balance smaller than the position), throws a
 *   `RangeError`; the OMS must never send one. Base balances given at construction count in
 *   equity but are not a position. Buying power is not policed here (pre-trade risk does it):
 *   a fill is a fact. Equity values spot through the balances, so spot unrealized PnL is
 *   reported but not added again.
 * - Linear perps: PnL in the settle (quote) currency, `u·(exit − entry)` for a long, where
 *   `u` = contracts × multiplier. Inverse perps: PnL in base, `u·(1/entry − 1/exit)` for a long.
 *   Realized PnL goes into the settle balance; fees come out of the fee currency's balance.
 * - Isolated margin: initial margin = entry notional / leverage, maintenance = rate × entry
 *   notional; see {@linkcode liquidationPrice} for the formulas.
 * - Valuation: every currency that can hold a balance (initial balances, settle currencies,
 *   spot base and quote) is converted to the reporting currency at the last mark of one
 *   instrument (see {@linkcode planConversions}): e.g. an inverse BTC-settled position in USD
 *   is `BTC × last price of BTCUSD`. Totals in the reporting currency (fees, funding, realized
 *   PnL, turnover) convert each amount when booked: at the fill or funding price when the route
 *   goes through the same instrument, else at the route instrument's last mark.
 *
 * `mark` and `equity` are float64 and allocation-free; everything else is exact.
 *
 * @example
 * ```ts
 * import { decimal, makeInstrument } from "@tesser/tesser/domain";
 * import { Portfolio } from "@tesser/tesser/portfolio";
 * import assert from "node:assert/strict";
 *
 * const btc = makeInstrument({
 *   symbol: "bybit:BTCUSDT", kind: "linear", base: "BTC", quote: "USDT",
 *   tickSize: "0.1", lotSize: "0.001",
 * });
 * const portfolio = new Portfolio({
 *   instruments: [btc], initialBalances: { USDT: 10000 }, reportingCurrency: "USDT",
 * });
 * portfolio.applyFill({
 *   orderId: "1", clientOrderId: "c1", symbol: btc.symbol, side: "buy", price: decimal(20000),
 *   quantity: decimal("0.1"), fee: decimal("1.2"), feeCurrency: "USDT", liquidity: "taker",
 *   tradeId: "t1",
 * }, 0);
 * portfolio.mark(btc.symbol, 21000);
 * assert.equal(portfolio.equity(), 10098.8);
 * ```
 */
export class Portfolio {
  readonly #reporting: string;
  readonly #maintenanceRate: Decimal;
  readonly #books: readonly Book[];
  readonly #bookIndex = new Map<SymbolId, number>();
  // The last symbol looked up and its book index: a bar marks, and the venue asks about, the
  // same symbol several times, so most lookups skip the map (instruments never change).
  #lastSymbol: SymbolId | undefined;
  #lastIndex = -1;
  readonly #currencies: readonly string[];
  readonly #currencyIndex = new Map<string, number>();
  readonly #routes: readonly ConversionRoute[];
  #balances: Decimal[];
  #ledger: TradeLedger;
  #feesByCurrency: Decimal[];
  #fundingByCurrency: Decimal[];
  #feesPaid = ZERO;
  #fundingPaid = ZERO;
  #realized = ZERO;
  #turnover = ZERO;
  #liquidations = 0;
  /** Time (µs) of the last venue funding payment booked, per symbol. */
  #venueFundingTs = new Map<SymbolId, Micros>();
  // Venue funding in a currency the portfolio does not hold, by symbol, time and id.
  readonly #unbookedFunding = new Map<string, FundingPayment>();

  // float64 caches of the exact state, refreshed only when it changes.
  readonly #value: Valuation;

  /**
   * Creates a portfolio holding the initial balances and no positions.
   *
   * @throws {RangeError} for duplicate symbols, bad leverage or maintenance rate, or a
   * currency that cannot be valued in the reporting currency.
   */
  constructor(options: PortfolioOptions) {
    this.#reporting = options.reportingCurrency;
    const rate = options.maintenanceMarginRate ?? 0.005;
    if (!Number.isFinite(rate) || rate < 0 || rate >= 1) {
      throw new RangeError(
        `Portfolio: maintenanceMarginRate must be in [0, 1), got ${rate}`,
      );
    }
    this.#maintenanceRate = decimal(rate);
    const defaultLeverage = checkLeverage(options.leverage ?? 1, "");
    const instruments = options.instruments;
    const known = new Set(instruments.map((i) => i.symbol));
    for (const symbol of Object.keys(options.leverageBySymbol ?? {})) {
      if (!known.has(symbol)) {
        throw new RangeError(
          `Portfolio: leverageBySymbol names ${symbol}, which is not an instrument ` +
            `(known: ${[...known].join(", ")})`,
        );
      }
    }
    const currencies: string[] = [];
    const addCurrency = (currency: string): number => {
      const found = currencies.indexOf(currency);
      if (found >= 0) return found;
      currencies.push(currency);
      return currencies.length - 1;
    };
    addCurrency(options.reportingCurrency);
    for (const currency of Object.keys(options.initialBalances)) addCurrency(currency);
    this.#books = instruments.map((instrument, index): Book => {
      if (this.#bookIndex.has(instrument.symbol)) {
        throw new RangeError(`Portfolio: instrument ${instrument.symbol} is listed twice`);
      }
      this.#bookIndex.set(instrument.symbol, index);
      const override = options.leverageBySymbol?.[instrument.symbol];
      const leverage = override === undefined
        ? defaultLeverage
        : checkLeverage(override, ` of ${instrument.symbol}`);
      if (instrument.kind !== "spot" && !this.#maintenanceRate.lt(decimal(1).div(leverage))) {
        throw new RangeError(
          `Portfolio: maintenance margin rate ${rate} of ${instrument.symbol} must be below ` +
            `the initial margin rate 1/${leverage}`,
        );
      }
      const spot = instrument.kind === "spot";
      return {
        index,
        instrument,
        leverage,
        settle: addCurrency(instrument.settle),
        base: spot ? addCurrency(instrument.base) : -1,
        quote: spot ? addCurrency(instrument.quote) : -1,
        quantity: ZERO,
        cost: ZERO,
        realizedPnl: ZERO,
        liquidation: undefined,
        bankruptcy: undefined,
        bankruptcyKnown: true,
        drawn: ZERO,
        liquidationPending: false,
        position: undefined,
      };
    });
    this.#currencies = currencies;
    currencies.forEach((currency, index) => this.#currencyIndex.set(currency, index));
    this.#routes = planConversions(instruments, currencies, options.reportingCurrency);
    this.#balances = currencies.map((currency) => decimal(options.initialBalances[currency] ?? 0));
    this.#feesByCurrency = currencies.map(() => ZERO);
    this.#fundingByCurrency = currencies.map(() => ZERO);
    this.#ledger = new TradeLedger();

    this.#value = new Valuation(
      instruments,
      this.#books.map((b) => b.settle),
      this.#books.map((b) => b.leverage.toNumber()),
      this.#routes,
      this.#balances.map((b) => b.toNumber()),
    );
  }

  /** Reporting currency. */
  get reportingCurrency(): string {
    return this.#reporting;
  }

  /** Number of liquidations reported by {@linkcode Portfolio.checkLiquidation}. */
  get liquidations(): number {
    return this.#liquidations;
  }

  // ---- exact path: fills and funding -------------------------------------------------------

  /**
   * Books one fill exactly. Validation happens before any change, so a rejected fill leaves
   * the portfolio as it was.
   *
   * @throws {RangeError} for an unknown symbol, a non-positive quantity or price, a fee
   * currency that is not the instrument's base, quote or settle currency, a spot sell beyond
   * the position, or a conversion that needs a mark not yet seen.
   */
  applyFill(fill: Fill, ts: Micros): FillEffect {
    const book = this.#book(fill.symbol);
    if (!Number.isSafeInteger(ts)) assertMicros(ts, `Portfolio: fill ${fill.tradeId} time`);
    const { instrument } = book;
    const quantityIn = fill.quantity;
    const price = fill.price;
    if (!isPositive(quantityIn)) {
      throw new RangeError(`${this.#where(fill)} has quantity ${quantityIn}; it must be positive`);
    }
    if (!isPositive(price)) {
      throw new RangeError(`${this.#where(fill)} has price ${price}; it must be positive`);
    }
    const feeIndex = this.#currencyIndex.get(fill.feeCurrency);
    const feeInSettle = this.#feeInSettle(instrument, fill);
    if (feeIndex === undefined || feeInSettle === undefined) {
      throw new RangeError(
        `${this.#where(fill)} charges its fee in ${fill.feeCurrency}; expected ` +
          instrument.settle + (instrument.kind === "spot" ? ` or ${instrument.base}` : ""),
      );
    }
    const spot = instrument.kind === "spot";
    const old = book.quantity;
    const buying = fill.side === "buy";
    const wasLong = isPositive(old);
    const reducing = old.isNeg() ? buying : wasLong && !buying;
    const oldSize = reducing && old.isNeg() ? old.abs() : old;
    const closed = reducing ? (quantityIn.lt(oldSize) ? quantityIn : oldSize) : ZERO;
    const closes = reducing && !closed.isZero();
    // Whole fills open or close; only a reversal both closes and opens.
    const opened = !closes ? quantityIn : closed === quantityIn ? ZERO : quantityIn.minus(closed);
    const opens = !opened.isZero();
    if (spot && !buying && opens) {
      throw new RangeError(
        `${this.#where(fill)}: cannot sell ${quantityIn} with a position of ${old}; ` +
          `spot cannot go short`,
      );
    }
    const removedCost = !closes
      ? ZERO
      : closed.eq(oldSize)
      ? book.cost
      : book.cost.times(closed).div(oldSize);
    const closedValue = closes ? notional(instrument, price, closed) : ZERO;
    let realized = ZERO;
    if (closes) {
      const longGain = instrument.kind === "inverse"
        ? removedCost.minus(closedValue)
        : closedValue.minus(removedCost);
      realized = wasLong ? longGain : longGain.neg();
    }
    const quantity = buying ? old.plus(quantityIn) : old.minus(quantityIn);
    const openedValue = opens ? notional(instrument, price, opened) : ZERO;
    const cost = closes
      ? book.cost.minus(removedCost).plus(openedValue)
      : book.cost.plus(openedValue);

    // Balance changes (at most two currencies), then conversions (which may throw) before
    // anything is committed.
    let first = -1;
    let firstAmount = ZERO;
    let second = -1;
    let secondAmount = ZERO;
    if (spot) {
      const units = multiply(quantityIn, instrument.multiplier);
      first = book.base;
      firstAmount = buying ? units : units.neg();
      second = book.quote;
      secondAmount = buying ? units.times(price).neg() : units.times(price);
    } else if (!realized.isZero()) {
      first = book.settle;
      firstAmount = realized;
    }
    const feeOut = fill.fee.neg();
    if (feeIndex === first) firstAmount = firstAmount.plus(feeOut);
    else if (feeIndex === second) secondAmount = secondAmount.plus(feeOut);
    else if (first < 0) {
      first = feeIndex;
      firstAmount = feeOut;
    } else {
      second = feeIndex;
      secondAmount = feeOut;
    }
    if (spot) {
      const left = this.#balances[book.base].plus(firstAmount);
      if (left.isNeg()) {
        throw new RangeError(
          `${this.#where(fill)}: selling ${quantityIn} would leave ${left} ${instrument.base}; ` +
            `spot cannot go short`,
        );
      }
    }
    const priceNumber = price.toNumber();
    const settleRate = this.#exactRate(book.settle, book.index, price);
    const feeRate = this.#exactRate(feeIndex, book.index, price);

    // Commit.
    const marks = this.#value.marks;
    if (Number.isNaN(marks[book.index])) marks[book.index] = priceNumber;
    const balances = this.#balances;
    balances[first] = balances[first].plus(firstAmount);
    if (second >= 0) balances[second] = balances[second].plus(secondAmount);
    this.#feesByCurrency[feeIndex] = this.#feesByCurrency[feeIndex].plus(fill.fee);
    this.#feesPaid = this.#feesPaid.plus(multiply(fill.fee, feeRate));
    if (closes) this.#realized = this.#realized.plus(multiply(realized, settleRate));
    // A fill that only opens or only closes has one notional, already computed.
    const turnover = !closes ? openedValue : !opens ? closedValue : notional(
      instrument,
      price,
      quantityIn,
    );
    this.#turnover = this.#turnover.plus(multiply(turnover, settleRate));
    // Margin drawn by funding shrinks with the position and goes when it closes or flips.
    if (quantity.isZero() || (reducing && opens)) book.drawn = ZERO;
    else if (closes && !book.drawn.isZero()) {
      book.drawn = book.drawn.times(quantity.abs()).div(oldSize);
    }
    book.quantity = quantity;
    book.cost = quantity.isZero() ? ZERO : cost;
    if (closes) book.realizedPnl = book.realizedPnl.plus(realized);
    book.liquidationPending = false;
    const roundTrip = this.#ledger.record({
      symbol: fill.symbol,
      kind: instrument.kind,
      settle: instrument.settle,
      ts,
      openDirection: buying ? "long" : "short",
      price,
      closedQuantity: closed,
      openedQuantity: opened,
      realizedPnl: realized,
      fee: feeInSettle,
    });
    this.#refreshBook(book);
    // Only the balances this fill moved need their float cache renewed.
    this.#value.setBalance(first, balances[first].toNumber());
    if (second >= 0) this.#value.setBalance(second, balances[second].toNumber());
    return {
      position: this.#positionOf(book),
      realizedPnl: realized,
      fee: fill.fee,
      closedQuantity: closed,
      openedQuantity: opened,
      roundTrip,
      settleRate,
    };
  }

  // The start of a fill's error messages (built only when one is thrown).
  #where(fill: Fill): string {
    return `Portfolio: fill ${fill.tradeId} for ${fill.symbol}`;
  }

  /**
   * Books a funding payment on the open perpetual position: `sign(position) × rate × notional`
   * at `markPrice` (linear: in quote; inverse: `u / markPrice` in base). A positive rate makes
   * longs pay and shorts receive. The payment leaves (or enters) the settle balance, is
   * totalled in {@linkcode Portfolio.fundingPaid} and is attributed to the open round trip.
   *
   * @returns the payment in the settle currency (positive = paid; zero when flat).
   * @throws {RangeError} for an unknown or spot symbol, a non-finite rate, a non-positive
   * mark price, or a conversion that needs a mark not yet seen.
   */
  applyFunding(symbol: SymbolId, rate: number, markPrice: number, ts: Micros): Decimal {
    const book = this.#book(symbol);
    assertMicros(ts, `Portfolio: funding time for ${symbol}`);
    if (book.instrument.kind === "spot") {
      throw new RangeError(`Portfolio: ${symbol} is spot; it has no funding`);
    }
    if (!Number.isFinite(rate)) {
      throw new RangeError(`Portfolio: funding rate for ${symbol} must be finite, got ${rate}`);
    }
    if (!(markPrice > 0) || !Number.isFinite(markPrice)) {
      throw new RangeError(
        `Portfolio: funding mark price for ${symbol} must be positive, got ${markPrice}`,
      );
    }
    if (book.quantity.isZero()) return ZERO;
    const price = decimal(markPrice);
    const amount = notional(book.instrument, price, book.quantity).times(rate);
    const payment = book.quantity.gt(0) ? amount : amount.neg();
    this.#bookFunding(book, payment, this.#exactRate(book.settle, book.index, price));
    return payment;
  }

  /**
   * Books a funding payment the venue reported, as it is (live): its exact amount leaves (or
   * enters) the settle balance as {@linkcode Portfolio.applyFunding}'s would. A venue books one
   * payment per symbol and funding time, so a payment no newer than the last one booked for
   * its symbol is a repeat (a catch-up after a reconnect or restart delivers it again) and is
   * not booked; that time survives {@linkcode Portfolio.toJSON}. A payment in another currency
   * the portfolio holds is booked in that currency's balance (the venue took it from there); one
   * in a currency it does not hold cannot be booked, and rather than stop the session with a
   * throw it is kept in {@linkcode Portfolio.unbookedFunding} for the caller to raise (the
   * venue's wallet still has it: the next reconciliation of balances shows the difference).
   *
   * @returns `booked`, `repeat`, or `unbookable` (a currency the portfolio does not hold).
   * @throws {RangeError} for an unknown or spot symbol.
   */
  bookFundingPayment(payment: FundingPayment, ts: Micros): FundingBooking {
    const { symbol } = payment;
    const book = this.#book(symbol);
    assertMicros(ts, `Portfolio: funding time for ${symbol}`);
    if (book.instrument.kind === "spot") {
      throw new RangeError(`Portfolio: ${symbol} is spot; it has no funding`);
    }
    const last = this.#venueFundingTs.get(symbol);
    if (last !== undefined && ts <= last) return "repeat";
    const currency = this.#currencyIndex.get(payment.currency);
    if (currency === undefined) {
      // Not marked as seen: once the currency is configured, a catch-up books it.
      this.#unbookedFunding.set(`${symbol}:${ts}:${payment.id}`, payment);
      return "unbookable";
    }
    // The rates at the last marks (1 for the reporting currency), taken before anything changes.
    const settleRate = this.#markRate(book.settle);
    const rate = currency === book.settle ? settleRate : this.#markRate(currency);
    this.#venueFundingTs.set(symbol, ts);
    if (currency === book.settle) this.#bookFunding(book, payment.amount, settleRate);
    else this.#bookForeignFunding(book, currency, payment.amount, rate.div(settleRate), rate);
    return "booked";
  }

  /**
   * The venue funding payments {@linkcode Portfolio.bookFundingPayment} could not book (in a
   * currency the portfolio does not hold), each once, oldest first.
   */
  unbookedFunding(): readonly FundingPayment[] {
    return [...this.#unbookedFunding.values()];
  }

  /**
   * Takes a venue funding payment as seen without booking it (one paid before a fresh start:
   * the wallet the start adopts has paid it), so that delivered again — a restart's catch-up —
   * it is a repeat for {@linkcode Portfolio.bookFundingPayment}.
   */
  skipFundingPayment(payment: FundingPayment, ts: Micros): void {
    this.#book(payment.symbol);
    assertMicros(ts, `Portfolio: funding time for ${payment.symbol}`);
    const last = this.#venueFundingTs.get(payment.symbol);
    if (last === undefined || ts > last) this.#venueFundingTs.set(payment.symbol, ts);
  }

  // A payment in a held currency other than the settle one: that balance pays it; the round
  // trip's funding stays in settle units (at the last marks).
  #bookForeignFunding(
    book: Book,
    currency: number,
    payment: Decimal,
    settlePerUnit: Decimal,
    rate: Decimal,
  ): void {
    this.#balances[currency] = this.#balances[currency].minus(payment);
    this.#fundingByCurrency[currency] = this.#fundingByCurrency[currency].plus(payment);
    this.#fundingPaid = this.#fundingPaid.plus(payment.times(rate));
    this.#ledger.addFunding(book.instrument.symbol, payment.times(settlePerUnit));
    this.#refreshBalances();
  }

  #bookFunding(book: Book, payment: Decimal, settleRate: Decimal): void {
    // Bybit takes funding from the available balance first and from the isolated position's
    // margin only for what the balance cannot cover; that margin then liquidates sooner.
    if (payment.gt(0)) {
      const available = this.#balances[book.settle].minus(this.#marginInUse(book.settle));
      const shortfall = payment.minus(available.gt(0) ? available : ZERO);
      if (shortfall.gt(0)) {
        const margin = this.#initialMargin(book).minus(book.drawn);
        book.drawn = book.drawn.plus(shortfall.lt(margin) ? shortfall : margin);
        this.#refreshBook(book);
      }
    }
    this.#balances[book.settle] = this.#balances[book.settle].minus(payment);
    this.#fundingByCurrency[book.settle] = this.#fundingByCurrency[book.settle].plus(payment);
    this.#fundingPaid = this.#fundingPaid.plus(payment.times(settleRate));
    this.#ledger.addFunding(book.instrument.symbol, payment);
    this.#refreshBalances();
  }

  // ---- reconciliation --------------------------------------------------------------------------

  /**
   * Compares the ledger with what the venue reports and adopts the venue's figures under the
   * policy of `reconcile.ts`: every differing position (quantity and entry) and wallet balance
   * is set to the venue's, booked as a synthetic adjustment with a deterministic id; a report
   * that is `unknown` (the query failed) changes nothing and is never taken as flat. Returns
   * the `reconciliation` event listing each difference, stamped `ts`, for the session to emit.
   *
   * @throws {DataError} when a report lists a symbol or currency twice, or an open position
   * without a positive entry price; nothing is changed then.
   */
  reconcile(
    positions: VenueAnswer<readonly VenuePosition[]>,
    balances: VenueAnswer<readonly VenueBalance[]>,
    ts: Micros,
  ): ReconciliationEvent {
    assertMicros(ts, "Portfolio: reconciliation time");
    const plan = planReconciliation(
      {
        instruments: this.#books.map((book) => book.instrument),
        position: (symbol) => this.position(symbol),
        balances: () => this.balances(),
      },
      positions,
      balances,
      ts,
    );
    for (const adoption of plan.positionAdoptions) {
      this.#adoptPosition(this.#book(adoption.symbol), adoption.quantity, adoption.entryPrice, ts);
    }
    for (const adoption of plan.balanceAdoptions) {
      const c = this.#currencyIndex.get(adoption.currency);
      if (c !== undefined) this.#balances[c] = adoption.total;
    }
    if (plan.balanceAdoptions.length > 0) this.#refreshBalances();
    return {
      kind: "reconciliation",
      ts,
      tsRecv: ts,
      positions: plan.positions,
      balances: plan.balances,
      differences: plan.differences,
    };
  }

  /**
   * Sets a position to the venue's quantity and entry. No PnL or fee: the venue's balances
   * hold the cash side. The round-trip ledger sees the change as a fill that closes at our
   * entry (so it realizes nothing) and opens at the price that makes the open trip's entry the
   * venue's: the missed fill's own price when the venue's position is ours plus a fill.
   */
  #adoptPosition(book: Book, quantity: Decimal, entryPrice: Decimal, ts: Micros): void {
    const { instrument } = book;
    const old = book.quantity;
    const delta = quantity.minus(old);
    const cost = quantity.isZero() ? ZERO : notional(instrument, entryPrice, quantity);
    if (!delta.isZero()) {
      const buying = delta.gt(0);
      const reducing = old.isNeg() ? buying : old.gt(0) && !buying;
      const closed = reducing ? (delta.abs().lt(old.abs()) ? delta.abs() : old.abs()) : ZERO;
      const opened = delta.abs().minus(closed);
      const base = {
        symbol: instrument.symbol,
        kind: instrument.kind,
        settle: instrument.settle,
        ts,
        openDirection: buying ? "long" : "short",
        realizedPnl: ZERO,
        fee: ZERO,
      } as const;
      if (closed.gt(0)) {
        const price = this.#positionOf(book).entryPrice;
        this.#ledger.record({ ...base, price, closedQuantity: closed, openedQuantity: ZERO });
      }
      if (opened.gt(0)) {
        // Adding to a position: the added part's cost is the venue's cost less ours.
        const addedCost = closed.isZero() && !old.isZero() ? cost.minus(book.cost) : cost;
        const price = addedCost.gt(0) ? priceOfCost(instrument, opened, addedCost) : entryPrice;
        this.#ledger.record({ ...base, price, closedQuantity: ZERO, openedQuantity: opened });
      }
    }
    book.quantity = quantity;
    book.cost = cost;
    book.liquidationPending = false;
    const marks = this.#value.marks;
    if (Number.isNaN(marks[book.index]) && !quantity.isZero()) {
      marks[book.index] = entryPrice.toNumber();
    }
    this.#refreshBook(book);
  }

  // ---- float64 path: marks and valuation -----------------------------------------------------

  /**
   * Remembers the last price of a symbol. O(1), float64, no allocation.
   *
   * @throws {RangeError} for an unknown symbol or a price that is not positive.
   */
  mark(symbol: SymbolId, price: number): void {
    const index = this.#indexOf(symbol);
    if (!(price > 0) || price === Infinity) {
      throw new RangeError(`Portfolio: mark price for ${symbol} must be positive, got ${price}`);
    }
    this.#value.marks[index] = price;
  }

  /** The last mark of a symbol (NaN before the first mark or fill). */
  lastPrice(symbol: SymbolId): number {
    return this.#value.marks[this.#book(symbol).index];
  }

  /**
   * Total equity in the reporting currency, float64: every balance plus the unrealized PnL of
   * open perpetual positions, converted at the last marks. No allocation.
   *
   * @throws {RangeError} when a needed conversion has no mark yet.
   */
  equity(): number {
    const total = this.#value.equity();
    if (Number.isNaN(total)) throw this.#missingMark();
    return total;
  }

  /** Unrealized PnL of a symbol at its last mark, in its settle currency (0 when flat). */
  unrealizedPnl(symbol: SymbolId): number {
    const index = this.#book(symbol).index;
    return this.#value.units(index) === 0 ? 0 : this.#value.unrealized(index);
  }

  /** Whether any position is open (cheap: read per bar for the exposure metric). */
  get hasOpenPositions(): boolean {
    return this.#value.hasOpenPositions();
  }

  /** Σ |notional| of open positions at their marks, in the reporting currency (float64). */
  grossExposure(): number {
    const total = this.#value.grossExposure();
    if (Number.isNaN(total)) throw this.#missingMark();
    return total;
  }

  /**
   * The same as {@linkcode Portfolio.equity}, computed exactly with Decimal (marks taken as
   * their shortest decimal strings), for final reports.
   *
   * @throws {RangeError} when a needed conversion has no mark yet.
   */
  exactEquity(): Decimal {
    let total = ZERO;
    this.#balances.forEach((amount, c) => {
      if (!amount.isZero()) total = total.plus(amount.times(this.#markRate(c)));
    });
    for (const book of this.#books) {
      if (book.instrument.kind === "spot" || book.quantity.isZero()) continue;
      const mark = decimal(this.#value.marks[book.index]);
      const value = notional(book.instrument, mark, book.quantity);
      const longGain = book.instrument.kind === "inverse"
        ? book.cost.minus(value)
        : value.minus(book.cost);
      const pnl = book.quantity.gt(0) ? longGain : longGain.neg();
      total = total.plus(pnl.times(this.#markRate(book.settle)));
    }
    return total;
  }

  // ---- queries ---------------------------------------------------------------------------------

  /**
   * Margin free for new exposure in `currency` (float64, at the last marks): its balance plus
   * the unrealized PnL of perpetual positions settled in it, minus their initial margin. For a
   * spot currency, the balance itself.
   *
   * @throws {RangeError} for a currency the portfolio does not hold.
   */
  freeMargin(currency: string): number {
    const c = this.#currencyIndex.get(currency);
    if (c === undefined) {
      throw new RangeError(
        `Portfolio: no currency ${currency} (known: ${this.#currencies.join(", ")})`,
      );
    }
    return this.#value.freeMargin(c);
  }

  /** The leverage a symbol's positions use. */
  leverageOf(symbol: SymbolId): number {
    return this.#book(symbol).leverage.toNumber();
  }

  /**
   * Value of one unit of `currency` in the reporting currency at the last marks (1 for the
   * reporting currency itself; NaN before the converting instrument has a mark).
   *
   * @throws {RangeError} for a currency the portfolio does not hold.
   */
  rateOf(currency: string): number {
    const index = this.#currencyIndex.get(currency);
    if (index === undefined) {
      throw new RangeError(
        `Portfolio: no currency ${currency} (known: ${this.#currencies.join(", ")})`,
      );
    }
    return this.#value.rate(index);
  }

  /**
   * The position in a symbol (quantity 0 and entry 0 when flat).
   *
   * @throws {RangeError} for an unknown symbol.
   */
  position(symbol: SymbolId): Position {
    return this.#positionOf(this.#book(symbol));
  }

  /** Every open (non-flat) position, in instrument order. */
  positions(): readonly Position[] {
    return this.#books.filter((b) => !b.quantity.isZero()).map((b) => this.#positionOf(b));
  }

  /**
   * Wallet balances in currency order (reporting currency first). `available` is the total
   * less the initial margin of open perpetual positions settled in that currency.
   */
  balances(): readonly Balance[] {
    return this.#currencies.map((currency, c) => {
      let locked = ZERO;
      for (const book of this.#books) {
        if (book.settle === c && book.instrument.kind !== "spot") {
          locked = locked.plus(this.#initialMargin(book));
        }
      }
      const total = this.#balances[c];
      return { currency, total, available: total.minus(locked) };
    });
  }

  /**
   * Realized PnL before fees: of one symbol in its settle currency, or of all symbols in the
   * reporting currency (each amount converted when it was realized).
   *
   * @throws {RangeError} for an unknown symbol.
   */
  realizedPnl(symbol?: SymbolId): Decimal {
    return symbol === undefined ? this.#realized : this.#book(symbol).realizedPnl;
  }

  /** Fees paid in the reporting currency (each converted when paid; rebates negative). */
  feesPaid(): Decimal {
    return this.#feesPaid;
  }

  /** Fees paid by fee currency. */
  feesByCurrency(): Readonly<Record<string, Decimal>> {
    return this.#byCurrency(this.#feesByCurrency);
  }

  /** Funding paid (positive) or received (negative) in the reporting currency. */
  fundingPaid(): Decimal {
    return this.#fundingPaid;
  }

  /** Funding paid by settle currency. */
  fundingByCurrency(): Readonly<Record<string, Decimal>> {
    return this.#byCurrency(this.#fundingByCurrency);
  }

  /** Completed round trips, in the order they completed. */
  roundTrips(): readonly RoundTrip[] {
    return this.#ledger.roundTrips();
  }

  /** Σ fill notional in the reporting currency (each converted at its fill). */
  turnover(): Decimal {
    return this.#turnover;
  }

  // ---- margin ----------------------------------------------------------------------------------

  /**
   * Initial margin allocated to a perpetual position: entry notional ÷ leverage, in the settle
   * currency. Spot is fully paid and carries no margin: 0.
   *
   * @throws {RangeError} for an unknown symbol.
   */
  initialMargin(symbol: SymbolId): Decimal {
    return this.#initialMargin(this.#book(symbol));
  }

  /**
   * Maintenance margin of a perpetual position: rate × entry notional (0 for spot and flat).
   *
   * @throws {RangeError} for an unknown symbol.
   */
  maintenanceMargin(symbol: SymbolId): Decimal {
    const book = this.#book(symbol);
    return book.instrument.kind === "spot"
      ? ZERO
      : maintenanceMargin(book.cost, this.#maintenanceRate);
  }

  /**
   * Isolated-margin liquidation price of the open perpetual position (see
   * {@linkcode liquidationPrice} for the formulas); undefined when flat, spot, or never.
   *
   * @throws {RangeError} for an unknown symbol.
   */
  liquidationPrice(symbol: SymbolId): number | undefined {
    const value = this.#value.liquidation[this.#book(symbol).index];
    return Number.isNaN(value) ? undefined : value;
  }

  /**
   * Bankruptcy price of the open perpetual position: where its whole isolated margin (less any
   * funding drawn from it) is lost, the price at which Bybit and Binance close a liquidated
   * position. Undefined when flat, spot, or never.
   *
   * @throws {RangeError} for an unknown symbol.
   */
  bankruptcyPrice(symbol: SymbolId): number | undefined {
    return this.#bankruptcy(this.#book(symbol))?.toNumber();
  }

  /**
   * Funding drawn from the isolated margin of the symbol's position because the available
   * balance could not pay it (settle currency; zero when flat).
   *
   * @throws {RangeError} for an unknown symbol.
   */
  marginDrawn(symbol: SymbolId): Decimal {
    return this.#book(symbol).drawn;
  }

  /**
   * Per-bar check: whether the bar's range touches the liquidation price (`low ≤ price` for a
   * long, `high ≥ price` for a short). Counts each liquidation once, however often it is
   * reported before the closing fill arrives. Allocates only when it triggers.
   *
   * @throws {RangeError} for an unknown symbol.
   */
  checkLiquidation(symbol: SymbolId, low: number, high: number): LiquidationTrigger | undefined {
    const index = this.#bookIndex.get(symbol);
    if (index === undefined) throw this.#unknown(symbol);
    const price = this.#value.liquidation[index];
    const units = this.#value.units(index);
    if (!(units > 0 ? low <= price : units < 0 && high >= price)) return undefined;
    const book = this.#books[index];
    if (!book.liquidationPending) {
      book.liquidationPending = true;
      this.#liquidations++;
    }
    const long = units > 0;
    const exact = this.#bankruptcy(book) ?? book.liquidation ?? decimal(price);
    const rounded = roundPrice(book.instrument, exact, long ? "floor" : "ceil");
    return {
      symbol,
      side: long ? "sell" : "buy",
      quantity: book.quantity.abs(),
      price,
      fillPrice: rounded.gt(0) ? rounded : book.instrument.tickSize,
    };
  }

  // ---- snapshot --------------------------------------------------------------------------------

  /** The whole state as JSON-safe data (decimals as strings). */
  toJSON(): PortfolioSnapshot {
    const marks: Record<SymbolId, number> = {};
    for (const book of this.#books) {
      const mark = this.#value.marks[book.index];
      if (!Number.isNaN(mark)) marks[book.instrument.symbol] = mark;
    }
    const strings = (values: readonly Decimal[]): Record<string, string> =>
      Object.fromEntries(values.map((v, c) => [this.#currencies[c], v.toString()]));
    return {
      version: PORTFOLIO_SNAPSHOT_VERSION,
      reportingCurrency: this.#reporting,
      balances: strings(this.#balances),
      positions: this.#books
        .filter((b) => !b.quantity.isZero() || !b.realizedPnl.isZero() || b.liquidationPending)
        .map((b) => ({
          symbol: b.instrument.symbol,
          quantity: b.quantity.toString(),
          cost: b.cost.toString(),
          realizedPnl: b.realizedPnl.toString(),
          liquidationPending: b.liquidationPending,
          ...(b.drawn.isZero() ? {} : { marginDrawn: b.drawn.toString() }),
        })),
      marks,
      feesByCurrency: strings(this.#feesByCurrency),
      fundingByCurrency: strings(this.#fundingByCurrency),
      feesPaid: this.#feesPaid.toString(),
      fundingPaid: this.#fundingPaid.toString(),
      realizedPnl: this.#realized.toString(),
      turnover: this.#turnover.toString(),
      liquidations: this.#liquidations,
      ledger: this.#ledger.toJSON(),
      ...(this.#venueFundingTs.size === 0
        ? {}
        : { venueFundingTs: Object.fromEntries(this.#venueFundingTs) }),
    };
  }

  /**
   * Rebuilds a portfolio from {@linkcode Portfolio.toJSON} output. `options` supply the
   * instruments, leverage and margin rate; the snapshot's balances replace
   * `options.initialBalances`.
   *
   * @throws {RangeError} for another snapshot version or reporting currency, a symbol or
   * currency the options do not know, or a malformed decimal.
   */
  static restore(data: PortfolioSnapshot, options: PortfolioOptions): Portfolio {
    if (data.reportingCurrency !== options.reportingCurrency) {
      throw new RangeError(
        `Portfolio: snapshot reports in ${data.reportingCurrency}, ` +
          `options in ${options.reportingCurrency}`,
      );
    }
    const portfolio = new Portfolio({ ...options, initialBalances: data.balances });
    portfolio.load(data);
    return portfolio;
  }

  /**
   * Takes over a snapshot's state in place: for a portfolio others already hold (a live
   * session's, which its OMS and venue read), restored before any fill is applied to it.
   *
   * @throws {RangeError} as {@linkcode Portfolio.restore} does.
   */
  load(data: PortfolioSnapshot): void {
    if (data.version !== PORTFOLIO_SNAPSHOT_VERSION) {
      throw new RangeError(
        `Portfolio: cannot restore snapshot version ${data.version} ` +
          `(this code reads version ${PORTFOLIO_SNAPSHOT_VERSION})`,
      );
    }
    if (data.reportingCurrency !== this.#reporting) {
      throw new RangeError(
        `Portfolio: snapshot reports in ${data.reportingCurrency}, this portfolio in ${this.#reporting}`,
      );
    }
    this.#load(data);
  }

  #load(data: PortfolioSnapshot): void {
    const perCurrency = (values: Readonly<Record<string, string>>, what: string): Decimal[] => {
      const result = this.#currencies.map(() => ZERO);
      for (const [currency, text] of Object.entries(values)) {
        const c = this.#currencyIndex.get(currency);
        if (c === undefined) {
          throw new RangeError(
            `Portfolio: snapshot ${what} names ${currency}, which is not a portfolio currency ` +
              `(known: ${this.#currencies.join(", ")})`,
          );
        }
        result[c] = decimal(text);
      }
      return result;
    };
    this.#balances = perCurrency(data.balances, "balances");
    this.#feesByCurrency = perCurrency(data.feesByCurrency, "feesByCurrency");
    this.#fundingByCurrency = perCurrency(data.fundingByCurrency, "fundingByCurrency");
    for (const saved of data.positions) {
      const book = this.#book(saved.symbol);
      book.quantity = decimal(saved.quantity);
      book.cost = decimal(saved.cost);
      book.realizedPnl = decimal(saved.realizedPnl);
      book.liquidationPending = saved.liquidationPending;
      book.drawn = saved.marginDrawn === undefined ? ZERO : decimal(saved.marginDrawn);
    }
    for (const [symbol, price] of Object.entries(data.marks)) this.mark(symbol, price);
    this.#feesPaid = decimal(data.feesPaid);
    this.#fundingPaid = decimal(data.fundingPaid);
    this.#realized = decimal(data.realizedPnl);
    this.#turnover = decimal(data.turnover);
    this.#liquidations = data.liquidations;
    this.#venueFundingTs = new Map();
    for (const [symbol, ts] of Object.entries(data.venueFundingTs ?? {})) {
      this.#book(symbol);
      assertMicros(ts, `Portfolio: snapshot venueFundingTs of ${symbol}`);
      this.#venueFundingTs.set(symbol, ts);
    }
    for (const trip of [...data.ledger.open, ...data.ledger.closed]) this.#book(trip.symbol);
    this.#ledger = TradeLedger.restore(data.ledger);
    for (const book of this.#books) this.#refreshBook(book);
    this.#refreshBalances();
  }

  // ---- internals -------------------------------------------------------------------------------

  #book(symbol: SymbolId): Book {
    return this.#books[this.#indexOf(symbol)];
  }

  #indexOf(symbol: SymbolId): number {
    if (symbol === this.#lastSymbol) return this.#lastIndex;
    const index = this.#bookIndex.get(symbol);
    if (index === undefined) throw this.#unknown(symbol);
    this.#lastSymbol = symbol;
    this.#lastIndex = index;
    return index;
  }

  #unknown(symbol: SymbolId): RangeError {
    return new RangeError(
      `Portfolio: no instrument for ${symbol} (known: ${[...this.#bookIndex.keys()].join(", ")})`,
    );
  }

  #missingMark(): RangeError {
    const needed = this.#routes.flatMap((route, c) =>
      route.kind !== "identity" && Number.isNaN(this.#value.marks[route.instrument])
        ? [`${this.#currencies[c]} via ${this.#books[route.instrument].instrument.symbol}`]
        : []
    );
    return new RangeError(
      `Portfolio: cannot value in ${this.#reporting} before a mark for ${needed.join(", ")}`,
    );
  }

  #positionOf(book: Book): Position {
    book.position ??= this.#buildPosition(book);
    return book.position;
  }

  #buildPosition(book: Book): Position {
    const { quantity, cost, instrument } = book;
    let entryPrice = ZERO;
    if (!quantity.isZero()) {
      const units = multiply(quantity.isNeg() ? quantity.abs() : quantity, instrument.multiplier);
      entryPrice = instrument.kind === "inverse" ? units.div(cost) : cost.div(units);
    }
    return { symbol: instrument.symbol, quantity, entryPrice, realizedPnl: book.realizedPnl };
  }

  #initialMargin(book: Book): Decimal {
    return book.instrument.kind === "spot" ? ZERO : initialMargin(book.cost, book.leverage);
  }

  // Isolated margin held by the open positions settled in currency `c`.
  #marginInUse(c: number): Decimal {
    let total = ZERO;
    for (const book of this.#books) {
      if (book.settle === c && !book.quantity.isZero()) {
        total = total.plus(this.#initialMargin(book)).minus(book.drawn);
      }
    }
    return total;
  }

  /** The fill's fee in the instrument's settle currency, or undefined for other currencies. */
  #feeInSettle(instrument: Instrument, fill: Fill): Decimal | undefined {
    if (fill.feeCurrency === instrument.settle) return fill.fee;
    if (instrument.kind === "spot" && fill.feeCurrency === instrument.base) {
      return fill.fee.times(fill.price);
    }
    return undefined;
  }

  /** Exact rate of currency `c` at booking time; uses `price` when the route goes via `index`. */
  #exactRate(c: number, index: number, price: Decimal): Decimal {
    const route = this.#routes[c];
    if (route.kind === "identity") return ONE;
    const marks = this.#value.marks;
    if (route.instrument !== index && Number.isNaN(marks[route.instrument])) {
      throw this.#missingMark();
    }
    const rate = route.instrument === index ? price : decimal(marks[route.instrument]);
    return route.kind === "multiply" ? rate : ONE.div(rate);
  }

  /** Exact rate of currency `c` at the last marks. */
  #markRate(c: number): Decimal {
    const route = this.#routes[c];
    if (route.kind === "identity") return decimal(1);
    const mark = this.#value.marks[route.instrument];
    if (Number.isNaN(mark)) throw this.#missingMark();
    return route.kind === "multiply" ? decimal(mark) : decimal(1).div(mark);
  }

  // The bankruptcy price of `book`'s position (computed once per change, on demand).
  #bankruptcy(book: Book): Decimal | undefined {
    if (!book.bankruptcyKnown) {
      book.bankruptcy = book.instrument.kind === "spot" || book.quantity.isZero()
        ? undefined
        : this.#marginPrice(book, ZERO);
      book.bankruptcyKnown = true;
    }
    return book.bankruptcy;
  }

  // Where the open perpetual position's margin falls to `rate` of its entry notional: the
  // liquidation price at the maintenance rate, the bankruptcy price at 0. Funding drawn from
  // the margin moves both.
  #marginPrice(book: Book, rate: Decimal): Decimal | undefined {
    const { quantity, instrument } = book;
    const kind = instrument.kind;
    if (kind === "spot") return undefined;
    const direction = isPositive(quantity) ? "long" : "short";
    if (book.drawn.isZero()) {
      const entry = this.#positionOf(book).entryPrice;
      return liquidationPrice(kind, direction, entry, book.leverage, rate);
    }
    const units = quantity.abs().times(instrument.multiplier);
    const margin = this.#initialMargin(book).minus(book.drawn);
    return marginCallPrice(kind, direction, units, book.cost, margin, rate);
  }

  #byCurrency(values: readonly Decimal[]): Readonly<Record<string, Decimal>> {
    return Object.fromEntries(values.map((v, c) => [this.#currencies[c], v]));
  }

  #refreshBalances(): void {
    this.#value.setBalances(this.#balances.map((amount) => amount.toNumber()));
  }

  /** Recomputes the float caches, liquidation price and open list after `book` changed. */
  #refreshBook(book: Book): void {
    book.position = undefined;
    const { quantity, instrument } = book;
    book.liquidation = undefined;
    book.bankruptcy = undefined;
    book.bankruptcyKnown = false;
    if (instrument.kind !== "spot" && !quantity.isZero()) {
      book.liquidation = this.#marginPrice(book, this.#maintenanceRate);
    }
    this.#value.setPosition(
      book.index,
      multiply(quantity, instrument.multiplier).toNumber(),
      book.cost.toNumber(),
      book.liquidation?.toNumber() ?? NaN,
    );
  }
}
