/**
 * `tesser live run --exchange sim --exec live` as a real process against the simulator on
 * 127.0.0.1 (issue 16), the simulator replaying real market data many times faster than real
 * time: SmaCross on two hours of real FTX BTC-PERP one-minute bars (the venue's kline stream
 * closes them; the venue clock follows the data), and GueantMarketMaker — the market maker of
 * the tick backtests — on the real Binance BTCUSDT capture (345 s of book and trades). Each run
 * is stopped by SIGTERM once the replay is over and every venue fill was reported; then the
 * state file must equal the simulator's ledger and account: every fill by trade id with its
 * side, price, quantity, fee and client id, the position, the wallet, the working orders, no
 * client id placed twice; and the run's `--json` summary counts the venue's orders and fills.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ManualClock } from "../../connectors/simulator/clock.ts";
import { type SimVenue, startSimulator } from "../../connectors/simulator/simulator.ts";
import type { ReplayEvent } from "../../lib/data/mod.ts";
import {
  assertOrdersMatchLedger,
  assertStateMatchesLedger,
  type RunSummary,
} from "../live/_ledger_check.ts";
import { SIM_KEY, simConfigDir, spawnLive } from "../live/_live_cli.ts";
import {
  barMarket,
  captureMarket,
  followDataClock,
  FTX_BARS,
  readBars,
} from "../live/_replay_market.ts";

const TESTDATA = new URL("../testdata/live/", import.meta.url).pathname;

interface ReplayRun {
  readonly venue: SimVenue;
  readonly strategyConfig: string;
  /** The market, given the simulator's symbol. */
  readonly market: (symbol: `${string}:${string}`) => Promise<AsyncIterable<ReplayEvent>>;
  /** Replay speed (times real time). */
  readonly speed: number;
  /** A venue clock that follows the data from here (ms), for bar markets. */
  readonly dataStartMs?: number;
  /** More `--param KEY=VALUE` overrides. */
  readonly params?: readonly string[];
}

interface ReplayOutcome {
  readonly fills: number;
  readonly position: string;
  readonly working: number;
  readonly wallMs: number;
}

async function replayRun(run: ReplayRun): Promise<ReplayOutcome> {
  const started = performance.now();
  const clock = run.dataStartMs === undefined ? undefined : new ManualClock(run.dataStartMs);
  const sim = await startSimulator({
    venue: run.venue,
    market: { kind: "none" },
    // Leverage 1, as the config assumes (the pre-trade check would refuse the default 10).
    accounts: [{ ...SIM_KEY, balance: "100000", leverage: "1" }],
    ...(clock === undefined ? {} : { clock }),
  });
  if (clock !== undefined) followDataClock(sim, clock);
  // The Binance account check compares the venue's fee rates (taker 0.055 % at the simulator)
  // with the markets file's (0.05 %): adopt the venue's, as its fills are charged.
  const dir = await simConfigDir(
    sim,
    run.venue === "binance" ? '\n[live.account]\non_mismatch = "adopt"\n' : "",
  );
  const symbol = `${run.venue}:BTCUSDT` as const;
  const statePath = join(dir, "state.db");
  const live = spawnLive(dir, [
    "--strategy-config",
    run.strategyConfig,
    "--param",
    `symbol=${symbol}`,
    ...(run.params ?? []).flatMap((p) => ["--param", p]),
    "--state-path",
    statePath,
    "--log-path",
    join(dir, "live.json"),
    "--json",
  ]);
  try {
    await live.waitFor(/live session started/, 30_000);
    await sim.market.replay(await run.market(symbol), { speed: run.speed });
    // Every fill the venue made is reported before the stop.
    const fills = (): number => live.stderr().match(/ fill: /g)?.length ?? 0;
    const deadline = Date.now() + 30_000;
    while (fills() < sim.ledger.fills().length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    live.signal("SIGTERM");
    const status = await live.status;
    assert.equal(status.code, 0, live.stderr());
    const summary = JSON.parse(live.stdout()) as RunSummary;
    const code = "BTCUSDT";
    const compared = assertStateMatchesLedger(sim, statePath, symbol, code);
    assertOrdersMatchLedger(sim, statePath, summary, live.stderr(), code);
    const account = sim.exchange.account(0);
    return {
      fills: compared,
      position: account.position(code, sim.clock.now()).size.toString(),
      working: sim.ledger.orders({ accountId: 0 })
        .filter((o) => o.status === "new" || o.status === "partially-filled").length,
      wallMs: performance.now() - started,
    };
  } catch (error) {
    console.log(live.stderr().split("\n").slice(-60).join("\n"));
    throw error;
  } finally {
    live.signal("SIGKILL");
    await live.status;
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

// 111 bars (13:00–14:50): SmaCross enters long on the open of the last one, so the run ends
// with a position open. 200× real time: 111 minutes of market in about 33 s.
const BARS = readBars(FTX_BARS, 111);

for (const venue of ["bybit", "binance"] as const) {
  Deno.test(`live run --exec live (${venue}): SmaCross on 111 minutes of real 1m bars replayed at 200× ends with the simulator's fills, position and wallet`, async () => {
    // The bars are moved to start at the next minute of the wall clock.
    const shift = (Math.floor(Date.now() / 60_000) + 1) * 60_000 - BARS[0].ts;
    const outcome = await replayRun({
      venue,
      strategyConfig: join(TESTDATA, "sma_cross_fast.toml"),
      market: (symbol) => Promise.resolve(barMarket(BARS, symbol, shift)),
      speed: 200,
      dataStartMs: Date.now(),
    });
    // Binance's listenKey lives 60 venue minutes, 18 s at 200×: each renewal reconciles with
    // trading halted, so on a loaded machine some crosses pass unanswered there.
    const least = venue === "bybit" ? 10 : 3;
    assert.ok(outcome.fills >= least, `SmaCross should trade the bars (${outcome.fills} fills)`);
    if (venue === "bybit") {
      assert.equal(outcome.position, "0.01", "the replay ends with the last entry open");
    }
    console.log(`${venue} SmaCross: ${outcome.fills} fills, ${Math.round(outcome.wallMs)} ms`);
  });

  Deno.test(`live run --exec live (${venue}): GueantMarketMaker on 345 s of a real BTCUSDT capture replayed at 20× ends with the simulator's fills, position, wallet and working quotes`, async () => {
    const outcome = await replayRun({
      venue,
      strategyConfig: join(TESTDATA, "gueant_btcusdt.toml"),
      market: () => captureMarket(),
      speed: 20,
      // Binance's minimum notional is 100 USDT: 0.002 BTC quotes there.
      ...(venue === "binance" ? { params: ["order_quantity=0.002", "max_inventory=0.01"] } : {}),
    });
    assert.ok(outcome.fills >= 5, `the market maker should be filled (${outcome.fills} fills)`);
    assert.ok(outcome.working >= 1, "its quotes still rest at the venue when it stops");
    console.log(
      `${venue} GueantMarketMaker: ${outcome.fills} fills, ${Math.round(outcome.wallMs)} ms`,
    );
  });
}
