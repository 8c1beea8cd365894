// The process the crash test kills: a live trading session (TradingSession + executionClientPort
// over the Bybit connector, its private stream, the SQLite live store with the outbox in front
// of the venue port) against the test's simulator. On start it restores from the store, catches
// up with the venue (the private stream's REST catch-up) and resolves every working order by
// client id; then a small market maker quotes around 50,000 until the parent kills it, or until
// `runMs` has passed. With `crash` set it SIGKILLs itself at the n-th pass of one crash hook;
// with `settle` it only restores, catches up and resolves, then prints its state and exits.
//
// Input: one JSON argument (see ChildConfig). Output on stdout: "ready" once trading, "crash
// <hook>" just before a self-kill, and a final JSON line {"summary": ...} on a clean exit.

import { BybitExecutionClient } from "../../connectors/bybit/execution_client.ts";
import { BybitPrivateStream } from "../../connectors/bybit/private_stream.ts";
import { RateLimiter } from "../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../connectors/bybit/rest.ts";
import { executionClientPort, type VenuePort } from "../../lib/broker/mod.ts";
import type { JsonValue, Order } from "../../lib/domain/mod.ts";
import { ZERO } from "../../lib/domain/mod.ts";
import type { Event, OrderCommand } from "../../lib/events/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import {
  LIVE_STATE_VERSION,
  openLiveStore,
  type PersistedLiveState,
  restoreSession,
} from "../../lib/live/state/mod.ts";
import type { Strategy, StrategyContext } from "../../lib/strategies/mod.ts";
import { TradingSession } from "../../lib/trader/mod.ts";

/** Where the child crashes itself. */
export type CrashHook =
  | "after-intent" // the intent is durable, the request has not left
  | "after-send" // the request left, its answer has not been handled
  | "after-ack" // an acknowledgement arrived and was applied, not committed
  | "after-fill" // a fill was recorded and booked, not committed
  | "after-commit"; // a commit was written

/** The child's input. */
export interface ChildConfig {
  readonly restUrl: string;
  readonly wsPrivateUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly statePath: string;
  readonly lockKey: string;
  /** Catch up from here on every start (ms). */
  readonly sinceMs: number;
  /** Self-kill at the n-th pass of `hook`. */
  readonly crash?: { readonly hook: CrashHook; readonly n: number };
  /** Restore, catch up, resolve, report, exit (no trading). */
  readonly settle?: boolean;
  /** Trade this long at most (ms). */
  readonly runMs: number;
}

const SYMBOL = "bybit:BTCUSDT";
const MID = 50_000;
const config = JSON.parse(Deno.args[0]) as ChildConfig;
const encoder = new TextEncoder();
const say = (line: string): void => void Deno.stdout.writeSync(encoder.encode(`${line}\n`));

const passes = new Map<CrashHook, number>();
function hook(name: CrashHook): void {
  const n = (passes.get(name) ?? 0) + 1;
  passes.set(name, n);
  if (config.crash?.hook !== name || config.crash.n !== n) return;
  say(`crash ${name}`);
  // After a send the kill waits a few ms: the request is on the wire, its answer not handled.
  if (name === "after-send") setTimeout(() => Deno.kill(Deno.pid, "SIGKILL"), 2 + (n % 5));
  else Deno.kill(Deno.pid, "SIGKILL");
}

// The events the venue, its stream and our timers produce, taken one at a time.
const queue: Event[] = [];
let wake: (() => void) | undefined;
function push(event: Event): void {
  queue.push(event);
  wake?.();
}
function next(ms: number): Promise<Event | undefined> {
  const ready = queue.shift();
  if (ready !== undefined) return Promise.resolve(ready);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      wake = undefined;
      resolve(queue.shift());
    }, ms);
    wake = () => {
      clearTimeout(timer);
      wake = undefined;
      resolve(queue.shift());
    };
  });
}

/** Quotes one buy below and one sell above the mid, within ±0.005 BTC; cancels stale quotes. */
function marketMaker(): Strategy & { ticks: number } {
  const strategy = {
    name: "CrashMaker",
    subscriptions: [{ kind: "trades" as const, symbol: SYMBOL }],
    ticks: 0,
    onTimer(_tag: string, ctx: StrategyContext): void {
      strategy.ticks++;
      const open = ctx.openOrders(SYMBOL);
      const position = ctx.position(SYMBOL);
      const has = (side: "buy" | "sell"): boolean => open.some((o) => o.request.side === side);
      const offset = 2 + (strategy.ticks % 4);
      if (!has("buy") && position < 0.005) {
        ctx.submitOrder({
          symbol: SYMBOL,
          side: "buy",
          type: "limit",
          quantity: 0.001,
          price: MID - offset,
        });
      }
      if (!has("sell") && position > -0.005) {
        ctx.submitOrder({
          symbol: SYMBOL,
          side: "sell",
          type: "limit",
          quantity: 0.001,
          price: MID + offset,
        });
      }
      // Every 7th tick the oldest acknowledged quote is cancelled (cancels cross crashes too).
      const oldest = open.find((o) => o.status === "accepted");
      if (strategy.ticks % 7 === 0 && oldest !== undefined) {
        ctx.cancelOrder(SYMBOL, oldest.request.clientOrderId);
      }
    },
    snapshot: (): JsonValue => ({ ticks: strategy.ticks }),
    restore(state: JsonValue): void {
      strategy.ticks = (state as { ticks: number }).ticks;
    },
  };
  return strategy;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const credentials = { apiKey: config.apiKey, apiSecret: config.apiSecret };
const rest = new BybitRest({
  baseUrl: config.restUrl,
  credentials,
  limiter: new RateLimiter({ share: 1, clock: { now: () => Date.now(), sleep } }),
  now: () => Date.now(),
  sleep,
  timeoutMs: 2000,
});
const client = new BybitExecutionClient(rest, sleep, { lookupDelayMs: 50 });
const instrument = (await client.instruments()).find((i) => i.symbol === SYMBOL);
if (instrument === undefined) throw new Error(`the simulator lists no ${SYMBOL}`);
const store = await openLiveStore({
  engine: "sqlite",
  path: config.statePath,
  lockKey: config.lockKey,
});
const strategy = marketMaker();

// The outbox: each intent is durable before its request leaves.
function withOutbox(port: VenuePort): VenuePort {
  return {
    venue: port.venue,
    send(command: OrderCommand): void {
      const id = command.type === "submit" ? command.request.clientOrderId : command.clientOrderId;
      store.recordIntent({ clientOrderId: id, command, ts: Date.now() * 1000 });
      hook("after-intent");
      port.send(command);
      hook("after-send");
    },
  };
}

const session = new TradingSession({
  strategy,
  instruments: [instrument],
  initialBalances: { USDT: "100000" },
  reportingCurrency: "USDT",
  sizer: fixedQuantity(0.001),
  clientIdPrefix: "crash",
}, () =>
  withOutbox(executionClientPort(client, push, {
    now: () => Date.now() * 1000,
  })));
session.host();
session.onFill((event) => {
  store.recordFill(event.fill, event.ts);
  hook("after-fill");
});
session.onOrderUpdate((event) => {
  if (event.order.status === "accepted") hook("after-ack");
});

const outcome = restoreSession(store, { session, strategy });
session.portfolio.mark(SYMBOL, MID);
say(
  `restored ${
    outcome.state === undefined ? "fresh" : "state"
  } adopted=${outcome.adopted.length} fills=${outcome.fills.length}`,
);
let commits = 0;
function state(): PersistedLiveState {
  return {
    version: LIVE_STATE_VERSION,
    savedAt: Date.now() * 1000,
    oms: session.oms.snapshot(),
    strategy: strategy.snapshot(),
    algorithms: null,
    portfolio: session.portfolio.toJSON(),
    lastEventIds: {},
    killSwitch: outcome.killSwitch,
  };
}
function commit(): void {
  store.commit(state());
  commits++;
  hook("after-commit");
}
function process(event: Event): void {
  session.engine.process(event);
  commit();
}

// Fills the dead process recorded but never committed are booked again (once).
for (const { fill, ts } of outcome.fills) process({ kind: "fill", ts, tsRecv: ts, fill });

// Catch up with the venue: fills and order states since the start of the test.
const stream = new BybitPrivateStream({
  url: config.wsPrivateUrl,
  credentials,
  client,
  sink: push,
  sinceMs: config.sinceMs,
  overlapMs: 0,
});
await stream.start();

// Every working order (restored or adopted) is asked for by client id: the venue's answer is
// applied; an order the venue does not know, asked again past its fence, never landed.
const FENCE_MS = 500;
for (const order of session.oms.openOrders()) {
  const id = order.request.clientOrderId;
  let found = await client.orderByClientId(SYMBOL, id);
  if (found === undefined) {
    const sentMs = (session.oms.snapshot().orders.find((o) => o.request.clientOrderId === id)
      ?.sentAt ?? 0) / 1000;
    await sleep(Math.max(0, sentMs + FENCE_MS - Date.now()));
    found = await client.orderByClientId(SYMBOL, id);
  }
  const now = Date.now() * 1000;
  if (found === undefined) say(`never arrived ${id}`);
  const report: Order = found ?? {
    id: "",
    request: order.request,
    status: "rejected",
    filledQuantity: ZERO,
    averagePrice: undefined,
    createdTs: now,
    updatedTs: now,
    reason: "not at the venue after the restart (the request never arrived)",
  };
  push({ kind: "order-update", ts: Math.min(report.updatedTs, now), tsRecv: now, order: report });
}
// Drain what the catch-up and the queries delivered.
for (let event = await next(200); event !== undefined; event = await next(200)) process(event);

if (config.settle !== true) {
  say("ready");
  const end = Date.now() + config.runMs;
  let tickAt = Date.now();
  while (Date.now() < end) {
    const event = await next(Math.max(1, tickAt - Date.now()));
    if (event !== undefined) {
      process(event);
      continue;
    }
    if (Date.now() >= tickAt) {
      const ts = Date.now() * 1000;
      process({ kind: "timer", ts, tsRecv: ts, owner: strategy.name, tag: "tick" });
      tickAt = Date.now() + 40;
    }
  }
  for (let event = await next(300); event !== undefined; event = await next(300)) process(event);
}

await stream.close();
commit();
const final = state();
say(JSON.stringify({
  summary: {
    position: session.portfolio.position(SYMBOL).quantity.toString(),
    working: final.oms.orders.map((o) => o.request.clientOrderId),
    ambiguous: session.oms.ambiguousOrders().map((o) => o.request.clientOrderId),
    adopted: outcome.adopted,
    commits,
  },
}));
store.close();
