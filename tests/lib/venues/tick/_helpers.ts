// Shared fixtures of the tick matching-engine tests.
import {
  decimal,
  type Fill,
  type Instrument,
  makeInstrument,
  type Order,
  type OrderRequest,
  type SymbolId,
} from "../../../../lib/domain/mod.ts";
import type {
  BookDeltaEvent,
  BookSnapshotEvent,
  QuoteEvent,
  TradeEvent,
} from "../../../../lib/events/mod.ts";
import {
  constantLatency,
  type ConstantLatencyOptions,
  type QueueModelOptions,
  TickVenue,
} from "../../../../lib/venues/mod.ts";

export const XBT: SymbolId = "bitmex:XBTUSD";

/** BitMEX XBTUSD as in config/markets.toml: inverse, tick 0.1, lot 100, maker rebate. */
export const XBTUSD: Instrument = makeInstrument({
  symbol: XBT,
  kind: "inverse",
  base: "XBT",
  quote: "USD",
  tickSize: "0.1",
  lotSize: "100",
  makerFee: "-0.0001",
  takerFee: "0.00075",
});

export interface Recorded {
  readonly fills: { fill: Fill; ts: number }[];
  readonly updates: { order: Order; ts: number }[];
}

export function makeVenue(
  queueModel: QueueModelOptions = { kind: "risk-averse" },
  latency: ConstantLatencyOptions = {},
  liquidityConsumption = true,
): { venue: TickVenue; seen: Recorded } {
  const seen: Recorded = { fills: [], updates: [] };
  const venue = new TickVenue({
    instruments: new Map([[XBT, XBTUSD]]),
    queueModel,
    latency: constantLatency(latency),
    liquidityConsumption,
  }, (report) => {
    if (report.kind === "fill") seen.fills.push({ fill: report.fill, ts: report.ts });
    else if (report.kind === "order-update") {
      seen.updates.push({ order: report.order, ts: report.ts });
    }
  });
  return { venue, seen };
}

export function snapshot(
  ts: number,
  bids: [number, number][],
  asks: [number, number][],
): BookSnapshotEvent {
  return {
    kind: "book-snapshot",
    ts,
    tsRecv: ts,
    book: {
      symbol: XBT,
      bids: bids.map(([price, size]) => ({ price, size })),
      asks: asks.map(([price, size]) => ({ price, size })),
    },
  };
}

export function delta(
  ts: number,
  bids: [number, number][],
  asks: [number, number][] = [],
): BookDeltaEvent {
  return {
    kind: "book-delta",
    ts,
    tsRecv: ts,
    delta: {
      symbol: XBT,
      bids: bids.map(([price, size]) => ({ price, size })),
      asks: asks.map(([price, size]) => ({ price, size })),
    },
  };
}

export function trade(
  ts: number,
  price: number,
  quantity: number,
  side: "buy" | "sell",
): TradeEvent {
  return { kind: "trade", ts, tsRecv: ts, trade: { symbol: XBT, price, quantity, side } };
}

export function quote(
  ts: number,
  bid: number,
  bidSize: number,
  ask: number,
  askSize: number,
): QuoteEvent {
  return {
    kind: "quote",
    ts,
    tsRecv: ts,
    quote: { symbol: XBT, bidPrice: bid, bidSize, askPrice: ask, askSize },
  };
}

let nextId = 1;

export function request(fields: {
  side: "buy" | "sell";
  type?: OrderRequest["type"];
  quantity: number;
  price?: number;
  triggerPrice?: number;
  timeInForce?: OrderRequest["timeInForce"];
  reduceOnly?: boolean;
  id?: string;
}): OrderRequest {
  const type = fields.type ?? (fields.price === undefined ? "market" : "limit");
  return {
    clientOrderId: fields.id ?? `c${nextId++}`,
    symbol: XBT,
    side: fields.side,
    type,
    quantity: decimal(fields.quantity),
    ...(fields.price === undefined ? {} : { price: decimal(fields.price) }),
    ...(fields.triggerPrice === undefined ? {} : { triggerPrice: decimal(fields.triggerPrice) }),
    timeInForce: fields.timeInForce ?? (type === "market" ? "ioc" : "gtc"),
    reduceOnly: fields.reduceOnly ?? false,
  };
}

/** Sends the submit of a `request(fields)` at local time `ts` (it arrives after the latency). */
export function submit(venue: TickVenue, fields: Parameters<typeof request>[0], ts: number): void {
  venue.send({ type: "submit", request: request(fields) }, ts);
}

/** The standard book: bids 100.0×1000, 99.9×2000; asks 100.1×500, 100.2×1000, 100.3×3000. */
export function standardBook(ts = 1): BookSnapshotEvent {
  return snapshot(ts, [[100, 1000], [99.9, 2000]], [[100.1, 500], [100.2, 1000], [100.3, 3000]]);
}

export function fillSummary(seen: Recorded): string[] {
  return seen.fills.map(({ fill, ts }) =>
    `${ts} ${fill.side} ${fill.quantity}@${fill.price} ${fill.liquidity} fee=${fill.fee}`
  );
}

export function lastStatus(seen: Recorded, clientOrderId: string): string | undefined {
  const mine = seen.updates.filter((u) => u.order.request.clientOrderId === clientOrderId);
  return mine.at(-1)?.order.status;
}
