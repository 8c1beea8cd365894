/**
 * The Binance user data stream against connectors/simulator: order updates, fills and account
 * changes; listenKey expiry, a -1125 keepalive, a dropped connection and the 24-hour disconnect
 * each followed by a REST catch-up, so every fill in the simulator's ledger arrives exactly once.
 */

import assert from "node:assert/strict";
import { decimal, type Fill } from "../../../lib/domain/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import type { BinanceFill } from "../../../connectors/binance/parse_private.ts";
import {
  BinanceUserStream,
  type BinanceUserStreamOptions,
} from "../../../connectors/binance/user_stream.ts";
import type { SimulatorOptions } from "../../../connectors/simulator/simulator.ts";
import { ManualClock as SimClock } from "../../../connectors/simulator/clock.ts";
import { type BinanceSim, FAST, limitBuy, sleep, until, withBinanceSim } from "./_sim.ts";

interface UserContext extends BinanceSim {
  readonly user: BinanceUserStream;
  readonly events: Event[];
  readonly fills: BinanceFill[];
}

async function withUserStream(
  body: (context: UserContext) => Promise<void>,
  options: Partial<BinanceUserStreamOptions> = {},
  simOptions: Partial<SimulatorOptions> = {},
): Promise<void> {
  await withBinanceSim(async (context) => {
    const events: Event[] = [];
    const fills: BinanceFill[] = [];
    const user = new BinanceUserStream({
      url: context.sim.wsPrivateUrl,
      client: context.client,
      sink: (event) => events.push(event),
      onFill: (fill) => fills.push(fill),
      backoff: FAST,
      symbols: ["binance:BTCUSDT"],
      ...options,
    });
    context.client.onOrderAccepted((order) => user.noteOrderAccepted(order));
    try {
      await user.start();
      await body({ ...context, user, events, fills });
    } finally {
      await user.close();
    }
  }, simOptions);
}

function fillsOf(events: readonly Event[]): Fill[] {
  return events.flatMap((e) => e.kind === "fill" ? [e.fill] : []);
}

/** Every simulator fill of the account delivered exactly once, matched by trade id. */
function assertFillsOnce(sim: BinanceSim["sim"], events: readonly Event[]): void {
  const ours = fillsOf(events).map((f) => `${f.clientOrderId}:${f.price}:${f.quantity}`).sort();
  const ledger = sim.ledger.fills().map((f) => `${f.clientId}:${f.price}:${f.quantity}`).sort();
  assert.deepEqual(ours, ledger);
  const ids = fillsOf(events).map((f) => f.tradeId);
  assert.equal(new Set(ids).size, ids.length, "no trade id twice");
}

/** Re-quotes the simulator's ask so the next crossing buy fills. */
function refill(context: BinanceSim): void {
  context.sim.market.setBook("BTCUSDT", [[49999.9, 1]], [[50000.1, 5]]);
}

Deno.test("user stream: a resting order, a taker fill and the account change arrive as events", async () => {
  await withUserStream(async ({ sim, client, events, fills }) => {
    await client.placeOrder(limitBuy("bn-u-rest"));
    await until(
      () =>
        events.some((e) =>
          e.kind === "order-update" && e.order.request.clientOrderId === "bn-u-rest"
        ),
      "NEW",
    );
    await client.placeOrder(limitBuy("bn-u-take", "50000.1"));
    await until(() => fillsOf(events).length === 1, "the fill");
    const fill = fillsOf(events)[0];
    assert.equal(fill.clientOrderId, "bn-u-take");
    assert.equal(fill.liquidity, "taker");
    assert.equal(fill.price.toString(), "50000.1");
    assert.equal(fill.fee.toString(), sim.ledger.fills()[0].fee.toString());
    assert.equal(fills[0].realizedPnl.toString(), "0");
    await until(() => events.some((e) => e.kind === "position"), "the position");
    const position = events.find((e) => e.kind === "position");
    assert.ok(position !== undefined && position.kind === "position");
    assert.equal(position.position.quantity.toString(), "0.01");
    const filled = events.filter((e) =>
      e.kind === "order-update" && e.order.request.clientOrderId === "bn-u-take" &&
      e.order.status === "filled"
    );
    assert.equal(filled.length, 1);
    assertFillsOnce(sim, events);
  });
});

Deno.test("user stream: a conditional order's ALGO_UPDATE → accepted, then canceled", async () => {
  await withUserStream(async ({ client, events }) => {
    await client.placeOrder({
      ...limitBuy("bn-u-stop"),
      type: "stop-market",
      triggerPrice: decimal("51000"),
    });
    await until(
      () =>
        events.some((e) =>
          e.kind === "order-update" && e.order.request.clientOrderId === "bn-u-stop"
        ),
      "ALGO_UPDATE NEW",
    );
    await client.cancelOrder("binance:BTCUSDT", "bn-u-stop");
    await until(
      () =>
        events.some((e) =>
          e.kind === "order-update" && e.order.request.clientOrderId === "bn-u-stop" &&
          e.order.status === "canceled"
        ),
      "ALGO_UPDATE CANCELED",
    );
    const update = events.find((e) =>
      e.kind === "order-update" && e.order.request.clientOrderId === "bn-u-stop"
    );
    assert.ok(update !== undefined && update.kind === "order-update");
    assert.equal(update.order.request.type, "stop-market");
    assert.equal(update.order.request.triggerPrice?.toString(), "51000");
  });
});

Deno.test("user stream: listenKey expiry → a new key, reconnect, catch-up; no fill lost or doubled", async () => {
  await withUserStream(async (context) => {
    const { sim, client, user, events } = context;
    const firstKey = user.listenKey;
    for (let round = 0; round < 5; round++) {
      sim.faults.inject({ kind: "listen-key-expire" });
      refill(context);
      await client.placeOrder(limitBuy(`bn-u-exp-${round}`, "50000.1"));
      await until(() => user.keyRenewals >= round + 1, `renewal ${round}`);
      await until(() => fillsOf(events).length === round + 1, `fill ${round}`);
    }
    assert.notEqual(user.listenKey, firstKey);
    await sleep(50);
    assertFillsOnce(sim, events);
    for (let round = 0; round < 5; round++) {
      const id = `bn-u-exp-${round}`;
      const terminal = events.filter((e) =>
        e.kind === "order-update" && e.order.request.clientOrderId === id &&
        e.order.status === "filled"
      );
      assert.equal(terminal.length, 1, `${id} filled once`);
    }
  });
});

Deno.test("user stream: -1125 on keepalive → the key is recreated and the stream reconnects", async () => {
  await withUserStream(async ({ sim, user, events }) => {
    sim.faults.inject({
      kind: "reject",
      code: -1125,
      message: "This listenKey does not exist.",
      path: "/fapi/v1/listenKey",
    });
    await until(() => user.keyRenewals >= 1 || user.reconnects >= 1, "recreated key");
    await until(
      () =>
        events.some((e) =>
          e.kind === "connectivity" && e.state === "up" && /reconnected/.test(e.reason ?? "")
        ),
      "up again",
    );
    assert.ok(
      events.some((e) =>
        e.kind === "connectivity" && e.state === "down" && /-1125 on keepalive/.test(e.reason ?? "")
      ),
    );
  }, { keepaliveMs: 50 });
});

Deno.test("user stream: drops and the 24-hour disconnect → reconnect + catch-up; every fill exactly once", async () => {
  await withUserStream(
    async (context) => {
      const { sim, client, user, events } = context;
      for (let round = 0; round < 8; round++) {
        if (round % 2 === 0) sim.faults.inject({ kind: "ws-drop", stream: "private" });
        refill(context);
        await client.placeOrder(limitBuy(`bn-u-drop-${round}`, "50000.1"));
        await until(() => fillsOf(events).length === round + 1, `fill ${round}`);
      }
      await until(() => user.reconnects >= 4, "reconnects");
      await sleep(50);
      assertFillsOnce(sim, events);
    },
    {},
    { connectionLifetimeMs: 150 },
  );
});

Deno.test("user stream: a silent stream after an accepted order is treated as lost and caught up", async () => {
  await withUserStream(async (context) => {
    const { sim, client, user, events } = context;
    // Frames are held: the order is accepted over REST but its events do not come.
    sim.faults.inject({ kind: "ws-stall", stream: "private", ms: 2000 });
    refill(context);
    await client.placeOrder(limitBuy("bn-u-silent", "50000.1"));
    await until(() => user.reconnects >= 1, "watchdog reconnect", 3000);
    await until(() => fillsOf(events).length === 1, "caught-up fill", 3000);
    assert.ok(
      events.some((e) =>
        e.kind === "connectivity" && e.state === "down" &&
        /no user event \d+ ms after an accepted order/.test(e.reason ?? "")
      ),
    );
    await sleep(2100);
    assertFillsOnce(sim, events);
  }, { livenessMs: 200 });
});

Deno.test("user stream: the catch-up after a gap asks from the venue's clock, not ours (months apart)", async () => {
  // The venue's clock six months behind ours: a catch-up window taken from our clock would start
  // after every fill the venue has, and a fill made during the gap would never be recovered.
  const venueStart = Date.UTC(2026, 5, 1, 12);
  const simClock = new SimClock(venueStart);
  const froms: number[] = [];
  await withUserStream(
    async (context) => {
      const { sim, client, user, events } = context;
      const userTrades = client.userTrades.bind(client);
      client.userTrades = (symbol, from) => {
        froms.push(from);
        return userTrades(symbol, from);
      };
      await client.placeOrder(limitBuy("bn-u-clock-0", "50000.1"));
      await until(() => fillsOf(events).length === 1, "the first fill");
      simClock.advance(60_000);
      sim.faults.inject({ kind: "listen-key-expire" });
      await until(() => user.keyRenewals >= 1 && froms.length >= 1, "the catch-up");
      const fillMs = sim.ledger.fills()[0]?.ts ?? Number.NaN;
      assert.ok(
        froms.every((from) => from <= fillMs && from > venueStart - 3_600_000),
        `catch-up from ${froms.map((f) => new Date(f).toISOString())}, the venue's fill at ${
          new Date(fillMs).toISOString()
        }`,
      );
      assertFillsOnce(sim, events);
    },
    {},
    { clock: simClock },
  );
});

Deno.test("user stream: funding the venue booked → funding-payment events per symbol from /fapi/v1/income, each once, also the one made while disconnected and after a restart", async () => {
  await withUserStream(async ({ sim, client, user, events }) => {
    const payments = () =>
      events.flatMap((e) => e.kind === "funding-payment" ? [{ ...e.payment, ts: e.ts }] : []);
    await client.placeOrder(limitBuy("bn-fund-1", "50000.1"));
    await until(() => fillsOf(events).length === 1, "the opening fill");
    // On the stream: ACCOUNT_UPDATE FUNDING_FEE has only the wallet change, no symbol; the
    // payment per symbol (with its tranId) comes from the income history.
    sim.exchange.settleFunding("BTCUSDT", "0.0001");
    await until(() => payments().length === 1, "the streamed funding");
    sim.faults.inject({ kind: "ws-drop", stream: "private" });
    sim.exchange.settleFunding("BTCUSDT", "-0.0003");
    await until(() => user.reconnects >= 1, "the reconnect");
    await until(() => payments().length === 2, "the funding made while disconnected");
    await user.catchUp();
    await sleep(50);
    const ledger = sim.ledger.fundings({ accountId: 0 });
    const expected = ledger.map((f) => [
      f.id,
      "binance:BTCUSDT",
      f.amount.toString(),
      "USDT",
      f.ts * 1000,
    ]);
    assert.equal(ledger.length, 2);
    assert.deepEqual(
      payments().map((p) => [p.id, p.symbol, p.amount.toString(), p.currency, p.ts]),
      expected,
    );
    // A restarted process resumes from its last commit, before both payments: it gets them
    // again (the portfolio books each symbol's funding time once) and nothing else.
    const again: Event[] = [];
    const restarted = new BinanceUserStream({
      url: sim.wsPrivateUrl,
      client,
      sink: (event) => again.push(event),
      backoff: FAST,
      symbols: ["binance:BTCUSDT"],
      sinceMs: ledger[0].ts - 1,
    });
    try {
      await restarted.start();
      assert.deepEqual(
        again.flatMap((e) =>
          e.kind === "funding-payment"
            ? [[e.payment.id, e.payment.symbol, e.payment.amount.toString(), "USDT", e.ts]]
            : []
        ),
        expected,
      );
    } finally {
      await restarted.close();
    }
  });
});
