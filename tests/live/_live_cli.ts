/**
 * The real `tesser live run` process against an in-process simulator: a config folder whose
 * `[exchange.sim]` profile points at the simulator on 127.0.0.1, the CLI started as its own
 * `deno run cli/main.ts` process (so a test can SIGTERM or SIGKILL it), its output collected,
 * and the state file read back after it stopped. Shared by the simulator tests of
 * `tests/live/` and `tests/cli/live_*simulator*_test.ts`.
 *
 * @module
 */

import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../../connectors/simulator/simulator.ts";
import type { ExchangeConfig } from "../../lib/config/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The simulator accounts' key (one account, id 0). */
export const SIM_KEY = { apiKey: "mm-live-key", apiSecret: "mm-live-secret" } as const;

/**
 * A simulator speaking `venue` with no market of its own (the test drives it) and one account
 * of 100,000 USDT on {@link SIM_KEY}; `options` overrides any of that (a clock, a market).
 */
export function startSimAccount(
  venue: SimulatorOptions["venue"],
  options: Partial<SimulatorOptions> = {},
): Promise<Simulator> {
  return startSimulator({
    venue,
    market: { kind: "none" },
    accounts: [{ ...SIM_KEY, balance: "100000" }],
    ...options,
  });
}

/** The simulator's WebSocket base, as a profile's `ws_url` names it (the driver adds the paths). */
export function simWsBase(sim: Simulator): string {
  return sim.venue === "bybit"
    ? sim.wsPublicUrl.replace(/\/v5\/public\/linear$/, "")
    : sim.wsPublicUrl.replace(/\/public$/, "");
}

/** An exchange profile (as `[exchange.sim]` would read) that speaks to `sim` with `key`. */
export function simExchange(
  sim: Simulator,
  key: { readonly apiKey: string; readonly apiSecret: string } = SIM_KEY,
): ExchangeConfig {
  return {
    driver: sim.venue,
    rest_url: sim.restUrl,
    ws_url: simWsBase(sim),
    api_key: key.apiKey,
    api_secret: key.apiSecret,
  };
}

/**
 * Writes a config folder with the repository's `default.toml` and a `local.toml` whose
 * `[exchange.sim]` profile speaks to `sim` (Bybit or Binance driver), plus `extra` TOML. The
 * receive window is the largest allowed (60 s): a replay faster than real time runs the venue
 * clock ahead of ours, and each request past the window costs a clock resync and a retry.
 */
export async function simConfigDir(sim: Simulator, extra = ""): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-live-sim-" });
  await Deno.copyFile(join(ROOT, "config/default.toml"), join(dir, "default.toml"));
  const wsBase = simWsBase(sim);
  await Deno.writeTextFile(
    join(dir, "local.toml"),
    `[exchange.sim]
driver = "${sim.venue}"
rest_url = "${sim.restUrl}"
ws_url = "${wsBase}"
api_key = "${SIM_KEY.apiKey}"
api_secret = "${SIM_KEY.apiSecret}"
recv_window_ms = 60000
${extra}`,
  );
  return dir;
}

/**
 * The arguments of an in-process `tesser live run --exchange sim --exec live` on the config
 * folder `dir`: the repository's markets, the log and state files inside `dir`, and an
 * ephemeral metrics port; `args` adds the strategy, the duration and whatever else a test needs.
 */
export function liveRunArgs(dir: string, ...args: readonly string[]): string[] {
  return [
    "--config-dir",
    dir,
    "live",
    "run",
    "--markets-file",
    join(ROOT, "config/markets.toml"),
    "--exchange",
    "sim",
    "--exec",
    "live",
    "--log-path",
    join(dir, "live.json"),
    "--state-path",
    join(dir, "state.db"),
    "--metrics-addr",
    "127.0.0.1:0",
    ...args,
  ];
}

/** A running `tesser live run` process. */
export interface LiveProcess {
  /** Its process id. */
  readonly pid: number;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** Resolves once stderr matches `pattern`; rejects after `ms` or when the process ended. */
  waitFor(pattern: RegExp, ms: number): Promise<void>;
  /** Sends a signal (ignored once the process is gone). */
  signal(signal: Deno.Signal): void;
  /** The exit status, once all output was read. */
  readonly status: Promise<Deno.CommandStatus>;
}

/**
 * Starts `tesser --config-dir DIR live run --exchange sim --exec live ...args` with a hard
 * bound of `boundMs`: a process still alive then is SIGKILLed, so no test can hang on it.
 */
export function spawnLive(
  configDir: string,
  args: readonly string[],
  boundMs = 90_000,
): LiveProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net=127.0.0.1",
      "--allow-sys",
      join(ROOT, "cli/main.ts"),
      "--config-dir",
      configDir,
      "live",
      "run",
      "--exchange",
      "sim",
      "--exec",
      "live",
      "--markets-file",
      join(ROOT, "config/markets.toml"),
      "--metrics-addr",
      "127.0.0.1:0",
      ...args,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let err = "";
  let out = "";
  let ended = false;
  const read = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const reading = Promise.all([
    read(child.stderr, (s) => err += s),
    read(child.stdout, (s) => out += s),
  ]);
  const guard = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, boundMs);
  const status = child.status.then(async (s) => {
    ended = true;
    clearTimeout(guard);
    await reading;
    return s;
  });
  return {
    pid: child.pid,
    stderr: () => err,
    stdout: () => out,
    async waitFor(pattern: RegExp, ms: number): Promise<void> {
      const deadline = Date.now() + ms;
      while (!pattern.test(err)) {
        if (ended) throw new Error(`the process ended before ${pattern}:\n${err}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${err}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    signal(signal: Deno.Signal): void {
      if (ended) return;
      try {
        child.kill(signal);
      } catch { /* it ended meanwhile */ }
    },
    status,
  };
}

/** One fill as the state file holds it. */
export interface StoredFill {
  /** When it was recorded (µs since the epoch). */
  readonly ts: number;
  /** The venue's trade id. */
  readonly tradeId: string;
  /** Our client order id. */
  readonly clientOrderId: string;
  /** `buy` or `sell`. */
  readonly side: string;
  /** Exact decimal text. */
  readonly price: string;
  /** Exact decimal text. */
  readonly quantity: string;
  /** Exact decimal text. */
  readonly fee: string;
}

/** Every fill of a state file, in the order they were recorded. */
export function storedFills(statePath: string): StoredFill[] {
  const db = new DatabaseSync(statePath, { readOnly: true });
  try {
    return db.prepare(
      "SELECT ts, trade_id, client_order_id, side, price, quantity, fee FROM fills ORDER BY seq",
    ).all().map((r) => ({
      ts: Number(r.ts),
      tradeId: String(r.trade_id),
      clientOrderId: String(r.client_order_id),
      side: String(r.side),
      price: String(r.price),
      quantity: String(r.quantity),
      fee: String(r.fee),
    }));
  } finally {
    db.close();
  }
}
