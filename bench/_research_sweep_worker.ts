/**
 * Worker of `bench/research_sweep.ts`: runs its share of the sets over candles shared with the
 * main thread (SharedArrayBuffer, so the data is decoded once for all workers).
 *
 * @module
 */

import { loadMarkets } from "../lib/backtest/mod.ts";
import type { Interval, SymbolId } from "../lib/domain/mod.ts";
import { SmaSweep, type SmaSweepSet } from "../lib/research/mod.ts";

interface Job {
  readonly symbol: SymbolId;
  readonly interval: Interval;
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
  readonly sets: readonly SmaSweepSet[];
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Job>) => void) | null;
  postMessage(result: { trades: number; best: number }): void;
};

scope.onmessage = async (event) => {
  const job = event.data;
  const [instrument] = (await loadMarkets(
    new URL("../config/markets.toml", import.meta.url).pathname,
  )).filter((i) => i.symbol === job.symbol);
  const sweep = new SmaSweep(job, { instrument, quantity: 0.01, initialEquity: 10_000 });
  let trades = 0;
  let best = -Infinity;
  for (const set of job.sets) {
    const result = sweep.run(set);
    trades += result.trades;
    best = Math.max(best, result.metrics.sharpe ?? -Infinity);
  }
  scope.postMessage({ trades, best });
};
