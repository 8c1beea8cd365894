// A realistic committed state for the store tests: a real OMS snapshot (a working entry with a
// pending amend) and a real portfolio snapshot (an open long), plus helpers for temp files.
import { decimal, type Fill, type JsonValue } from "../../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../../lib/events/mod.ts";
import { fixedQuantity } from "../../../../lib/execution/mod.ts";
import { Portfolio } from "../../../../lib/portfolio/mod.ts";
import {
  LIVE_STATE_VERSION,
  type LiveStore,
  type PersistedLiveState,
} from "../../../../lib/live/state/mod.ts";
import type { Strategy } from "../../../../lib/strategies/mod.ts";
import { TradingSession } from "../../../../lib/trader/mod.ts";
import { accept, BTC, build, fillOf } from "../../execution/_oms_harness.ts";

/** A state with one working order, an open position and a tripped kill switch. */
export function sampleState(savedAt = 1_700_000_000_000_000): PersistedLiveState {
  const h = build({ prefix: "sma" });
  const id = h.oms.submitIntent({
    symbol: BTC.symbol,
    side: "buy",
    type: "limit",
    price: 40_000,
    quantity: 0.01,
  }) ?? "";
  h.oms.onOrderUpdate(accept(h.sent[0]));
  h.oms.amendOrder(BTC.symbol, id, { price: 40_100 });
  const portfolio = new Portfolio({
    instruments: [BTC],
    initialBalances: { USDT: "10000" },
    reportingCurrency: "USDT",
  });
  portfolio.applyFill(fillOf(h.sent[0], "0.004", "t-1"), savedAt - 10);
  return {
    version: LIVE_STATE_VERSION,
    savedAt,
    oms: h.oms.snapshot(),
    strategy: { fast: [1, 2, 3], last: 42.5 },
    algorithms: null,
    portfolio: portfolio.toJSON(),
    lastEventIds: { "bybit:private": "1234", "bybit:public": "99" },
    killSwitch: { tripped: true, at: savedAt - 5, reason: "drawdown 12% > 10%" },
  };
}

/** A fill of the sample's symbol. */
export function sampleFill(tradeId: string, quantity = "0.001"): Fill {
  return {
    orderId: "o-1",
    clientOrderId: "sma-0-1",
    symbol: BTC.symbol,
    side: "buy",
    price: decimal("40000.5"),
    quantity: decimal(quantity),
    fee: decimal("0.0123"),
    feeCurrency: "USDT",
    liquidity: "maker",
    tradeId,
  };
}

/** A temp directory removed by the returned function. */
export function tempDir(): { readonly dir: string; cleanup(): void } {
  const dir = Deno.makeTempDirSync({ prefix: "tesser_state_" });
  return { dir, cleanup: () => Deno.removeSync(dir, { recursive: true }) };
}

/**
 * A BTC session (10,000 USDT, 0.01 an order, marked at 50,000) whose venue only records: each
 * command is first written to `store` as an intent stamped `epochMs`, as the live outbox does,
 * then kept in `commands`.
 */
export function intentSession(
  store: LiveStore,
  strategy: Strategy,
  clientIdPrefix: string,
  epochMs: number,
): { readonly session: TradingSession; readonly commands: OrderCommand[] } {
  const commands: OrderCommand[] = [];
  const session = new TradingSession({
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    clientIdPrefix,
  }, () => ({
    venue: "bybit",
    send(command: OrderCommand): void {
      const id = command.type === "submit" ? command.request.clientOrderId : command.clientOrderId;
      store.recordIntent({ clientOrderId: id, command, ts: epochMs * 1000 });
      commands.push(command);
    },
  }));
  session.host("1m");
  session.portfolio.mark(BTC.symbol, 50_000);
  return { session, commands };
}

/** Commits `session`'s OMS and portfolio with `strategy`'s state, as saved at `savedAt` (µs). */
export function commitSession(
  store: LiveStore,
  session: TradingSession,
  savedAt: number,
  strategy: JsonValue = null,
): void {
  store.commit({
    version: LIVE_STATE_VERSION,
    savedAt,
    oms: session.oms.snapshot(),
    strategy,
    algorithms: null,
    portfolio: session.portfolio.toJSON(),
    lastEventIds: {},
    killSwitch: { tripped: false },
  });
}
