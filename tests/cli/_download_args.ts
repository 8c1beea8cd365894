// The `data download` command line the download tests share: two days and a half of 1m bars.

/** `data download` of `symbol` from `exchange` into `output`, 2024-01-01 to 2024-01-03 12:00, JSON lines. */
export function downloadArgs(exchange: string, symbol: string, output: string): string[] {
  return [
    "download",
    "--exchange",
    exchange,
    "--symbol",
    symbol,
    "--interval",
    "1m",
    "--from",
    "2024-01-01",
    "--to",
    "2024-01-03T12:00:00Z",
    "--output",
    output,
    "--json",
  ];
}
