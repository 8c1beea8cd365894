/**
 * `tesser simulator run`: serves a simulated Bybit or Binance on 127.0.0.1 until stopped,
 * printing its URLs and the test accounts' keys; the market is replayed from files or
 * synthesized from a seed; faults come from a TOML schedule or the control endpoint.
 *
 * @module
 */

import { parseAccountsFile } from "../connectors/simulator/accounts_file.ts";
import { parseFaultSchedule } from "../connectors/simulator/fault_schedule.ts";
import { type MarketSource, startSimulator } from "../connectors/simulator/simulator.ts";
import { readConfigFile } from "../lib/config/mod.ts";
import { ConfigError } from "../lib/domain/mod.ts";
import type { CommandIo } from "./io.ts";
import { booleanFlag, numberFlag, parseFlags, stringFlag, stringsFlag } from "./usage_error.ts";

const HELP = `Usage: tesser simulator run --venue bybit|binance [options]

Serves a local exchange on 127.0.0.1 that speaks the real Bybit v5 (linear) or Binance USD-M
REST and WebSocket protocols, until Ctrl-C (SIGINT) or SIGTERM. Prints its URLs and the API
key and secret of its test accounts. Control endpoint: <REST URL>/__sim/ (ledger, faults).

Options:
  --venue NAME          bybit or binance (required)
  --port N              REST port (default: a free port)
  --ws-port N           WebSocket port (default: --port + 1, or a free port)
  --data FILE           replay market data (Tardis CSV, JSONL, Parquet candles); repeatable
  --speed X             replay speed: 1 is real time, 10 ten times faster (default 1)
  --seed N              seed of the synthetic market used without --data (default 1)
  --interval MS         synthetic market step in ms (default 100)
  --faults FILE         TOML fault schedule ([[fault]] kind, at_ms, every_ms, times, jitter_ms)
  --accounts FILE       TOML test accounts ([[account]] api_key, api_secret, balance, leverage)
  --no-rate-limits      lift the venue's rate limits (benchmarks)
  --ledger FILE         write every order state and fill as JSON lines on exit
  -h, --help`;

/** Options of {@linkcode simulatorCommand} for tests. */
export interface SimulatorCommandOptions {
  /** Stops the server (default: SIGINT or SIGTERM). */
  readonly signal?: AbortSignal;
}

/** Runs `tesser simulator ...`; returns the exit code. */
export async function simulatorCommand(
  args: readonly string[],
  io: CommandIo,
  options: SimulatorCommandOptions = {},
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "run") {
    throw new ConfigError(`unknown simulator command "${sub}"`, {
      hint: 'run "tesser simulator run --help"',
    });
  }
  const flags = parseFlags("simulator run", rest, {
    venue: { type: "string" },
    port: { type: "string" },
    "ws-port": { type: "string" },
    data: { type: "string", multiple: true },
    speed: { type: "string" },
    seed: { type: "string" },
    interval: { type: "string" },
    faults: { type: "string" },
    accounts: { type: "string" },
    "no-rate-limits": { type: "boolean" },
    ledger: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const venue = stringFlag(flags, "venue");
  if (venue !== "bybit" && venue !== "binance") {
    throw new ConfigError(
      venue === undefined
        ? "simulator run: --venue is required"
        : `simulator run: unknown venue "${venue}"`,
      { hint: "use --venue bybit or --venue binance" },
    );
  }
  const port = numberFlag(flags, "port", { min: 0, max: 65535, integer: true });
  const wsPort = numberFlag(flags, "ws-port", { min: 0, max: 65535, integer: true }) ??
    (port === undefined || port === 0 ? 0 : port + 1);
  const data = stringsFlag(flags, "data");
  const speed = numberFlag(flags, "speed", { min: 0.001 }) ?? 1;
  const market: MarketSource = data.length > 0
    ? { kind: "replay", files: data, speed }
    : { kind: "synthetic", intervalMs: numberFlag(flags, "interval", { min: 1 }) ?? 100 };
  const faultsFile = stringFlag(flags, "faults");
  const schedule = faultsFile === undefined
    ? []
    : parseFaultSchedule(await readConfigFile(faultsFile, "fault schedule"), faultsFile);
  const accountsFile = stringFlag(flags, "accounts");
  const accounts = accountsFile === undefined
    ? undefined
    : parseAccountsFile(await readConfigFile(accountsFile, "accounts file"), accountsFile);
  const sim = await startSimulator({
    venue,
    restPort: port ?? 0,
    wsPort,
    market,
    seed: numberFlag(flags, "seed", { integer: true }) ?? 1,
    schedule,
    accounts,
    rateLimits: !booleanFlag(flags, "no-rate-limits"),
  });
  io.stdout(`simulator ${venue} on 127.0.0.1`);
  io.stdout(`  rest        ${sim.restUrl}`);
  io.stdout(`  ws public   ${sim.wsPublicUrl}`);
  if (sim.wsMarketUrl !== undefined) io.stdout(`  ws market   ${sim.wsMarketUrl}`);
  io.stdout(`  ws private  ${sim.wsPrivateUrl}`);
  io.stdout(`  control     ${sim.restUrl}/__sim/`);
  sim.accounts.forEach((account, i) => {
    io.stdout(`  account ${i}   api key ${account.apiKey}   api secret ${account.apiSecret}`);
  });
  io.stdout(
    `market: ${
      data.length > 0 ? `replay of ${data.length} file(s) at ${speed}x` : "synthetic"
    }; Ctrl-C stops`,
  );
  // A replay that fails (unreadable file, unlisted symbol) stops the server with its error.
  let failure: unknown;
  const stopped = new AbortController();
  sim.marketDone.catch((error) => {
    failure = error;
    stopped.abort();
  });
  await waitForStop(
    options.signal === undefined
      ? stopped.signal
      : AbortSignal.any([options.signal, stopped.signal]),
    options.signal === undefined,
  );
  await sim.stop();
  if (failure !== undefined) throw failure;
  const ledgerFile = stringFlag(flags, "ledger");
  if (ledgerFile !== undefined) {
    const lines = sim.ledger.entries().map((entry) => JSON.stringify(entry));
    const temp = `${ledgerFile}.tmp`;
    await Deno.writeTextFile(temp, lines.length === 0 ? "" : `${lines.join("\n")}\n`);
    await Deno.rename(temp, ledgerFile);
  }
  io.stdout(
    `stopped: ${sim.ledger.orders().length} orders, ${sim.ledger.fills().length} fills, ${sim.faults.log().length} faults`,
  );
  return 0;
}

/** Resolves when `signal` aborts or, with `osSignals`, on SIGINT or SIGTERM. */
function waitForStop(signal: AbortSignal, osSignals: boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      if (osSignals) {
        Deno.removeSignalListener("SIGINT", stop);
        Deno.removeSignalListener("SIGTERM", stop);
      }
      signal.removeEventListener("abort", stop);
      resolve();
    };
    if (signal.aborted) {
      resolve();
      return;
    }
    signal.addEventListener("abort", stop, { once: true });
    if (osSignals) {
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
    }
  });
}
