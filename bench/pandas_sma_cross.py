"""The vectorized pandas SMA-cross baseline of issue 19 (bench-only; not part of CI).

    /usr/bin/python3 bench/pandas_sma_cross.py CLOSES.csv [fast=50] [slow=200] [runs=3]

CLOSES.csv is one `close` column with a header, as `bench/backtest_e2e.ts` exports it with
DuckDB from the benchmark's Parquet file (pyarrow is not installed here, so pandas cannot read
the Parquet itself). Reading the CSV is not timed. The timed part is what a vectorized
backtest of the crossover does with the closes in memory: both rolling means, the long-only
position (in the market while the fast SMA is above the slow one, as SmaCross without
shorting), the bar returns it earns, the equity curve and the number of entries. No I/O, no
fees, no order sizing or fills. Prints one line: wall and CPU time (this process, all
threads), each the best of `runs`.

Needs Debian's python3-pandas (`apt-get install -y python3-pandas`), run with /usr/bin/python3.
"""

import sys
import time

import numpy as np
import pandas as pd


def sma_cross(close: pd.Series, fast: int, slow: int) -> tuple[int, float]:
    fast_sma = close.rolling(fast).mean()
    slow_sma = close.rolling(slow).mean()
    # Long from the bar after the fast SMA closes above the slow one.
    long = (fast_sma > slow_sma).astype(np.int8)
    position = long.shift(1, fill_value=0)
    returns = close.pct_change().fillna(0.0)
    equity = (1.0 + position * returns).cumprod()
    entries = int((long.diff() == 1).sum())
    return entries, float(equity.iloc[-1])


def main() -> None:
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    path = sys.argv[1]
    fast = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    slow = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    close = pd.read_csv(path, dtype={"close": np.float64})["close"]
    best = float("inf")
    best_cpu = float("inf")
    entries, final = 0, 0.0
    for _ in range(runs):
        started = time.perf_counter()
        cpu = time.process_time()
        entries, final = sma_cross(close, fast, slow)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    n = len(close)
    print(
        f"pandas {pd.__version__} vectorized SMA cross {fast}/{slow}: {n} closes in "
        f"{best:.3f} s = {n / best / 1e6:.2f}M candles/s, CPU {best_cpu:.3f} s = "
        f"{n / best_cpu / 1e6:.2f}M candles/s (best of {runs}; {entries} entries, "
        f"final equity x{final:.4g}; no I/O)"
    )


if __name__ == "__main__":
    main()
