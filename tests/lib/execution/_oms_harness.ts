// The OMS test harness: one BTC perp, a settable position, a clock with timers, recording ports.
import {
  type Decimal,
  decimal,
  type Fill,
  makeInstrument,
  type Order,
  type OrderRequest,
  type Refusal,
  type Signal,
  type SymbolId,
  ZERO,
} from "../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../lib/events/mod.ts";
import {
  ClientIds,
  fixedQuantity,
  type OmsNotice,
  OrderManager,
  PreTradeRisk,
  type RiskLimits,
  type Sizer,
} from "../../../lib/execution/mod.ts";

export const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  minNotional: "5",
});

export interface Harness {
  readonly oms: OrderManager;
  readonly risk: PreTradeRisk;
  readonly sent: OrderRequest[];
  readonly canceled: string[];
  readonly amended: string[];
  /** Every command sent, in order. */
  readonly commands: OrderCommand[];
  /** Timers the OMS asked for and that have not fired. */
  readonly timers: { readonly at: number; readonly tag: string }[];
  /** Notices (unknown orders, ambiguous steps). */
  readonly notices: OmsNotice[];
  /** Refusals, as reported. */
  readonly refusals: Refusal[];
  /** The OMS's clock: `advance` moves it. */
  readonly clock: { now: number };
  setPosition(quantity: string): void;
  /** Moves the clock to `at` and fires the timers due by then. */
  advance(at: number): void;
}

/** Options of {@linkcode build}. */
export interface HarnessOptions {
  readonly sizer?: Sizer;
  readonly limits?: RiskLimits;
  readonly pyramiding?: boolean;
  readonly ackTimeout?: number;
  readonly freeMargin?: number;
  readonly prefix?: string;
}

/** An OMS on a 10,000 USDT account with BTC at 50,000 and unlimited free margin. */
export function harness(
  sizer: Sizer = fixedQuantity(0.01),
  limits: RiskLimits = {},
  pyramiding = false,
): Harness {
  return build({ sizer, limits, pyramiding });
}

/** The OMS harness with a clock (at 1 s), timers and a configurable account. */
export function build(options: HarnessOptions = {}): Harness {
  let position: Decimal = ZERO;
  const sent: OrderRequest[] = [];
  const canceled: string[] = [];
  const amended: string[] = [];
  const commands: OrderCommand[] = [];
  const timers: { at: number; tag: string }[] = [];
  const notices: OmsNotice[] = [];
  const refusals: Refusal[] = [];
  const clock = { now: 1_000_000 };
  const risk = new PreTradeRisk(options.limits ?? {});
  const oms = new OrderManager(
    {
      instruments: new Map([[BTC.symbol, BTC]]),
      sizer: options.sizer ?? fixedQuantity(0.01),
      risk,
      pyramiding: options.pyramiding ?? false,
      clientIds: new ClientIds(options.prefix ?? "t", () => 0),
      clock: { now: () => clock.now, setTimer: (at, tag) => timers.push({ at, tag }) },
      ackTimeout: options.ackTimeout,
      onNotice: (notice) => notices.push(notice),
      onRefusal: (refusal) => refusals.push(refusal),
    },
    {
      position: () => position,
      equity: () => 10_000,
      rateOf: () => 1,
      freeMargin: () => options.freeMargin ?? 1e12,
      leverage: () => 1,
      lastPrice: (symbol: SymbolId) => (symbol === BTC.symbol ? 50_000 : Number.NaN),
      volatility: () => 250,
    },
    {
      send: (command) => {
        commands.push(command);
        switch (command.type) {
          case "submit":
            sent.push(command.request);
            return;
          case "cancel":
            canceled.push(command.clientOrderId);
            return;
          case "amend":
            amended.push(
              `${command.clientOrderId} ${command.price ?? "-"} ${command.quantity ?? "-"}`,
            );
            return;
          default: {
            const unknown: never = command;
            throw new TypeError(`Unknown command ${JSON.stringify(unknown)}`);
          }
        }
      },
    },
  );
  const advance = (at: number): void => {
    clock.now = at;
    const due = timers.filter((t) => t.at <= at);
    timers.splice(0, timers.length, ...timers.filter((t) => t.at > at));
    for (const timer of due) oms.onTimer(timer.tag);
  };
  return {
    oms,
    risk,
    sent,
    canceled,
    amended,
    commands,
    timers,
    notices,
    refusals,
    clock,
    setPosition: (q) => (position = decimal(q)),
    advance,
  };
}

/** A signal for BTC. */
export function signal(kind: Signal["kind"], extra: Partial<Signal> = {}): Signal {
  return { symbol: BTC.symbol, kind, confidence: 1, ...extra };
}

/** The venue's report of `request` in `status` (filled: all of it, unless `filled` says). */
export function accept(
  request: OrderRequest,
  status: Order["status"] = "accepted",
  filled?: string,
): Order {
  return {
    id: `o-${request.clientOrderId}`,
    request,
    status,
    filledQuantity: filled !== undefined
      ? decimal(filled)
      : status === "filled"
      ? request.quantity
      : ZERO,
    averagePrice: undefined,
    createdTs: 0,
    updatedTs: 0,
  };
}

/** A fill of `quantity` of `request`, with trade id `tradeId`. */
export function fillOf(request: OrderRequest, quantity: string, tradeId: string): Fill {
  return {
    orderId: `o-${request.clientOrderId}`,
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    price: decimal("50000"),
    quantity: decimal(quantity),
    fee: ZERO,
    feeCurrency: "USDT",
    liquidity: "taker",
    tradeId,
  };
}
