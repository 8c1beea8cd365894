// A realistic committed state for the store tests: a real OMS snapshot (a working entry with a
// pending amend) and a real portfolio snapshot (an open long), plus helpers for temp files.
import { decimal, type Fill } from "../../../../lib/domain/mod.ts";
import { Portfolio } from "../../../../lib/portfolio/mod.ts";
import { LIVE_STATE_VERSION, type PersistedLiveState } from "../../../../lib/live/state/mod.ts";
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
