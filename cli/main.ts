/**
 * The `tesser` command line: global flags, routing to one module per command, and the one
 * place errors become exit codes (2 usage/config, 1 runtime) and one clear line on stderr.
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };
import { ConfigError, TesserError } from "../lib/domain/mod.ts";
import { type CommandIo, processIo } from "./io.ts";
import { backtestCommand } from "./backtest.ts";
import { dataCommand } from "./data.ts";
import { liveControlCommand } from "./live_control.ts";
import { researchCommand } from "./research.ts";
import { stateCommand } from "./state.ts";
import { strategiesCommand } from "./strategies.ts";

/** The package version. */
export const VERSION: string = denoJson.version;

const HELP = `tesser ${VERSION} — backtest and run trading strategies

Usage: tesser [--env NAME] [--config-dir DIR] [--verbose] <command> [options]

Commands:
  backtest run          backtest a strategy on candles or, with --mode tick, on order-book data
  backtest batch        run a list or grid of backtests in parallel workers (summary.csv)
  data ...              normalize, validate, resample, inspect and synthesize market data
  live run              run a strategy live: paper (default, no keys needed) or --exec live
  live control ACTION   status, halt, resume, flatten or clear-kill-switch a running live process
  research ...          optimize strategy parameters (grid, random, sharded) and merge shards
  simulator run         serve a local Bybit or Binance (real wire protocols) for tests and dry runs
  state inspect         print what a live state file holds (positions, orders, kill switch)
  strategies            list the built-in strategies and their parameters

Global options:
  --env NAME            also load config/NAME.toml
  --config-dir DIR      folder with default.toml (default: ./config)
  --verbose             print stack traces of errors
  -h, --help            show this help (also after any command)
  -V, --version         print the version`;

/** Global flags, shared by every command. */
export interface GlobalOptions {
  /** Environment profile (`--env`). */
  readonly env: string | undefined;
  /** Config folder (`--config-dir`). */
  readonly configDir: string;
  /** Print stack traces. */
  readonly verbose: boolean;
}

type Command = (
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
) => number | Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  backtest: (args, io, global) => backtestCommand(args, io, global),
  data: (args, io, global) => dataCommand([...args], io, global),
  live: async (args, io, global) => {
    if (args[0] === "control") return liveControlCommand(args.slice(1), io);
    // Loaded on use: only live runs need the connectors.
    return (await import("./live.ts")).liveCommand(args, io, global);
  },
  research: (args, io, global) => researchCommand(args, io, global),
  // Loaded on use: the simulator's WebSocket package reads the environment when it loads, which
  // every other command would then need permission for.
  simulator: async (args, io) => (await import("./simulator.ts")).simulatorCommand(args, io),
  state: (args, io, global) => stateCommand(args, io, global),
  strategies: (args, io) => strategiesCommand(args, io),
};

function splitGlobal(
  args: readonly string[],
): { global: GlobalOptions; rest: readonly string[]; help: boolean; version: boolean } {
  let env: string | undefined;
  let configDir = "config";
  let verbose = false;
  let help = false;
  let version = false;
  let i = 0;
  const valueOf = (flag: string): string => {
    const value = args[i + 1];
    if (value === undefined || value.startsWith("-")) {
      throw new ConfigError(`flag ${flag} needs a value`, { hint: `run "tesser --help"` });
    }
    i++;
    return value;
  };
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--env") env = valueOf(arg);
    else if (arg.startsWith("--env=")) env = arg.slice(6);
    else if (arg === "--config-dir") configDir = valueOf(arg);
    else if (arg.startsWith("--config-dir=")) configDir = arg.slice(13);
    else if (arg === "--verbose") verbose = true;
    else if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--version" || arg === "-V") version = true;
    else if (arg.startsWith("-")) {
      throw new ConfigError(`unknown global flag ${arg}`, { hint: `run "tesser --help"` });
    } else break;
  }
  // --verbose is also taken after the command (errors suggest it, wherever the user is typing).
  const rest = args.slice(i).filter((arg) => arg !== "--verbose");
  if (rest.length < args.length - i) verbose = true;
  return { global: { env, configDir, verbose }, rest, help, version };
}

/** The exit code for an error: 2 for what the user must fix in flags or config, 1 otherwise. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof ConfigError ? 2 : 1;
}

/** Formats an error as the one line the user sees (plus the stack with `verbose`). */
export function formatError(error: unknown, verbose: boolean): string {
  // Config, data, exchange and strategy errors are the user's or the venue's, said as such; a
  // strategy's error keeps what it threw as its cause, so --verbose shows the author's stack.
  const known = error instanceof TesserError;
  const text = error instanceof Error ? error.message : String(error);
  const line = known
    ? `error: ${text}`
    : `error: internal error: ${text} (run with --verbose for the stack trace)`;
  if (!verbose || !(error instanceof Error)) return line;
  let stack = `${line}\n${error.stack ?? ""}`;
  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    stack += `\ncaused by: ${cause.stack ?? cause.message}`;
    cause = cause.cause;
  }
  return stack;
}

/** Runs the CLI with `args`; returns the exit code. */
export async function main(args: readonly string[], io: CommandIo = processIo()): Promise<number> {
  let verbose = args.includes("--verbose");
  try {
    const { global, rest, help, version } = splitGlobal(args);
    verbose = global.verbose;
    if (version) {
      io.stdout(`tesser ${VERSION}`);
      return 0;
    }
    const [name, ...commandArgs] = rest;
    if (name === undefined) {
      if (help) {
        io.stdout(HELP);
        return 0;
      }
      io.stderr(HELP);
      return 2;
    }
    const command = COMMANDS[name];
    if (command === undefined) {
      throw new ConfigError(`unknown command "${name}"`, {
        hint: `commands: ${Object.keys(COMMANDS).join(", ")}`,
      });
    }
    return await command(help ? [...commandArgs, "--help"] : commandArgs, io, global);
  } catch (error) {
    // The reader of our output went away (`tesser strategies | head`): nothing left to say.
    if (error instanceof Deno.errors.BrokenPipe) return 0;
    io.stderr(formatError(error, verbose));
    return exitCodeFor(error);
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
