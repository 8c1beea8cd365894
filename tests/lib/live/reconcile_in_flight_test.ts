/**
 * Reconciliation while fills are on their way to us (issue 16, the kill -9 test's seed 20261202):
 * the venue's position already holds a fill that the private stream has not delivered yet (it
 * happened after the stream's catch-up, or the socket is simply slower than the REST answer).
 * The pass must not adopt the venue's position then: it asks the stream to catch up from the
 * venue's execution history after reading the positions, applies what that delivers, and only
 * then compares; the stream's own copy of the fill, arriving later, is a duplicate by trade id.
 * The position is booked once.
 */

import assert from "node:assert/strict";
import type { ExecutionClient } from "../../../lib/broker/mod.ts";
import { type Balance, decimal, type Fill, type Position, ZERO } from "../../../lib/domain/mod.ts";
import { ManualClock } from "../../../lib/engine/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { LiveRuntime, type PrivateChannel } from "../../../lib/live/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import { instruments, SMA_PARAMS, START } from "./_paper.ts";
import { ScriptedFeed } from "./_scripted_feed.ts";

const SYMBOL = "bybit:BTCUSDT";

function fillOf(clientOrderId: string, tradeId: string): Fill {
  return {
    orderId: `v-${clientOrderId}`,
    clientOrderId,
    symbol: SYMBOL,
    side: "buy",
    price: decimal("25000"),
    quantity: decimal("0.001"),
    fee: decimal("0.01"),
    feeCurrency: "USDT",
    liquidity: "maker",
    tradeId,
  };
}

interface Venue {
  /** The positions the venue reports (its fills are already in them). */
  positions: readonly Position[];
  /** The wallet the venue reports. */
  balances: readonly Balance[];
  /** What its execution history holds beyond what the stream delivered. */
  history: readonly Fill[];
  /** Fills the stream delivers `lagMs` after each positions answer (in flight). */
  inFlight: readonly Fill[];
}

async function runtimeOn(venue: Venue, clock: ManualClock, feed: ScriptedFeed) {
  const lagMs = 6;
  let sink: ((event: Event) => void) | undefined;
  const deliveries: Promise<void>[] = [];
  const deliver = (fill: Fill): void => {
    const now = clock.now();
    sink?.({ kind: "fill", ts: now, tsRecv: now, fill });
  };
  const client: ExecutionClient = {
    venue: "bybit",
    placeOrder: () => Promise.reject(new Error("not used")),
    cancelOrder: () => Promise.reject(new Error("not used")),
    amendOrder: () => Promise.reject(new Error("not used")),
    instruments: () => Promise.reject(new Error("not used")),
    openOrders: () => Promise.resolve([]),
    orderByClientId: () => Promise.resolve(undefined),
    balances: () => Promise.resolve(venue.balances),
    positions: () => {
      // The stream's copy of each fill the answer already holds arrives a moment later.
      const late = venue.inFlight;
      venue.inFlight = [];
      deliveries.push(
        new Promise((resolve) =>
          setTimeout(() => {
            for (const fill of late) deliver(fill);
            resolve();
          }, lagMs)
        ),
      );
      return Promise.resolve(venue.positions);
    },
  };
  const catchUps: number[] = [];
  const runtime = new LiveRuntime({
    strategy: builtinStrategies.create("SmaCross", SMA_PARAMS),
    instruments: await instruments(),
    initialBalances: { USDT: 5000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    clock,
    sleeper: clock,
    dataInterval: "1m",
    feeds: [feed],
    buildCandles: false,
    orderVenue: {
      kind: "venue",
      client,
      privateChannel: (to): PrivateChannel => {
        sink = to;
        return {
          // The stream's own catch-up found nothing: the fill came after it.
          start: () => Promise.resolve(),
          stop: () => Promise.resolve(),
          catchUp: () => {
            catchUps.push(clock.now());
            for (const fill of venue.history) deliver(fill);
            return Promise.resolve();
          },
        };
      },
    },
  });
  return { runtime, deliveries, catchUps };
}

Deno.test("start reconciliation: a fill only the catch-up delivers is booked once, the venue position is not adopted on top", async () => {
  const clock = new ManualClock(START);
  const feed = new ScriptedFeed("bybit");
  const prefix = "SmaCross";
  const fill = fillOf(`${prefix}-x-1`, "t-1");
  const venue: Venue = {
    positions: [{
      symbol: SYMBOL,
      quantity: decimal("0.001"),
      entryPrice: decimal("25000"),
      realizedPnl: ZERO,
    }],
    balances: [{ currency: "USDT", total: decimal("4999.99"), available: decimal("4999.99") }],
    history: [fill],
    inFlight: [fill],
  };
  const { runtime, deliveries, catchUps } = await runtimeOn(venue, clock, feed);
  const running = runtime.run();
  // The start pass ran; the stream's late copy of the fill arrives and is handled.
  while (deliveries.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  await Promise.all(deliveries);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await feed.close();
  const summary = await running;
  assert.equal(runtime.session.portfolio.position(SYMBOL).quantity.toString(), "0.001");
  const start = runtime.lastReconciliation;
  assert.equal(start?.reason, "start");
  assert.deepEqual(start?.event.differences.map((d) => d.explanation), []);
  assert.equal(start?.mismatch, false);
  assert.equal(runtime.session.portfolio.position(SYMBOL).quantity.toString(), "0.001");
  assert.equal(summary.fills, 1);
  assert.equal(runtime.session.portfolio.balances()[0].total.toString(), "4999.99");
  assert.ok(catchUps.length >= 1, "the pass did not ask the stream to catch up");
});
