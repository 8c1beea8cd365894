// The `backtest run --strategy-module` command line the CLI tests of user modules share.

import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

/** `backtest run` of `module` with the strategy file `config`, the repo's config and markets. */
export function moduleRunArgs(module: string, config: string, ...extra: string[]): string[] {
  return [
    "--config-dir",
    join(ROOT, "config"),
    "backtest",
    "run",
    "--strategy-module",
    module,
    "--strategy-config",
    config,
    "--markets-file",
    join(ROOT, "config/markets.toml"),
    "--json",
    ...extra,
  ];
}
