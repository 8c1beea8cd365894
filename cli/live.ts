/**
 * `tesser live run`: flags → config → strategy → venue (paper sandbox or a connector) →
 * {@linkcode LiveRuntime} until Ctrl-C/SIGTERM, `--duration` or `--max-events`; then a summary.
 * The first SIGINT/SIGTERM stops cleanly (no new orders, optional cancels, state flushed, exit 0
 * within 10 s); a second one exits at once. `--record FILE.gz` taps the connector's public
 * streams into a recording (connectors/recording) that a tick backtest replays; with paper tick
 * matching the recording ends exactly where the session stopped, so the replay gives its fills.
 *
 * @module
 */

import { dirname, isAbsolute, relative, resolve } from "node:path";
import { loadMarkets } from "../lib/backtest/markets.ts";
import { resolveTickSettings } from "../lib/backtest/tick/mod.ts";
import { Recorder } from "../connectors/recording/recorder.ts";
import type { TapStats } from "../connectors/recording/tap.ts";
import { RecordingWriter } from "../connectors/recording/writer.ts";
import type { StrategySubscription } from "../lib/strategies/mod.ts";
import { loadTesserConfig } from "../lib/config/mod.ts";
import { ConfigError, decimal, type SymbolId } from "../lib/domain/mod.ts";
import { WallClock, WallSleeper } from "../lib/engine/mod.ts";
import {
  checkAccount,
  type LiveExecution,
  LiveRuntime,
  type LiveRuntimeSummary,
  type LiveStore,
  openLiveStore,
} from "../lib/live/mod.ts";
import { startLiveOps, SUPERVISED_BACKOFF } from "./_live_ops.ts";
import { builtinStrategies } from "../lib/strategies/mod.ts";
import { loadStrategyModule } from "../lib/strategies/user_module.ts";
import { parseSizer } from "./_backtest_flags.ts";
import { LIVE_FLAGS, LIVE_HELP, type LiveSettings, resolveLiveSettings } from "./_live_settings.ts";
import { liveVenue } from "./_live_venue.ts";
import { readStrategyFile, withParamOverrides } from "./_strategy_file.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { booleanFlag, parseFlags, stringFlag, stringsFlag } from "./usage_error.ts";

/** How long a clean stop may take before the process gives up on it (ms). */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/** Runs `tesser live <subcommand>`; returns the exit code. */
export async function liveCommand(
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(LIVE_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "run") {
    throw new ConfigError(`unknown live command "${sub}"`, { hint: "commands: run" });
  }
  const flags = parseFlags("live run", rest, LIVE_FLAGS);
  if (booleanFlag(flags, "help")) {
    io.stdout(LIVE_HELP);
    return 0;
  }
  const strategyPath = stringFlag(flags, "strategy-config");
  if (strategyPath === undefined) {
    throw new ConfigError("live run: --strategy-config FILE is required", {
      hint: `run "tesser live run --help"`,
    });
  }
  const { config } = loadTesserConfig({
    configDir: global.configDir,
    env: global.env,
    environment: Deno.env.toObject(),
  });
  const settings = resolveLiveSettings(flags, config);
  const strategyFile = withParamOverrides(
    await readStrategyFile(strategyPath),
    stringsFlag(flags, "param"),
  );
  const strategyModule = stringFlag(flags, "strategy-module");
  const registry = strategyModule === undefined
    ? builtinStrategies
    : await loadStrategyModule(strategyModule);
  const { strategy } = registry.prepare(strategyFile.name, strategyFile.params, {
    file: strategyPath,
  });
  const configured = config.backtest.markets_file;
  const marketsFile = stringFlag(flags, "markets-file") ??
    (isAbsolute(configured)
      ? configured
      : relative(Deno.cwd(), resolve(dirname(resolve(global.configDir)), configured)));
  const markets = await loadMarkets(marketsFile);
  const symbols: SymbolId[] = [...new Set(strategy.subscriptions.map((s) => s.symbol))];
  const clock = new WallClock();
  const sleeper = new WallSleeper(clock);
  const matching = settings.paperMatching ?? defaultMatching(strategy.subscriptions, settings);
  const tapStats: TapStats = { binaryFrames: 0 };
  const recorder = settings.record === undefined
    ? undefined
    : openRecorder(settings, symbols, matching);
  const venue = liveVenue({
    profile: settings.profile,
    exchange: settings.exchange,
    live: settings.exec === "live",
    instruments: markets,
    symbols,
    clock,
    sleeper,
    seed: settings.seed,
    ...(recorder === undefined ? {} : { recorder, tapStats }),
    // The connectors reconnect at the pace of the supervisor that watches them.
    backoff: SUPERVISED_BACKOFF,
  });
  const secrets = [settings.exchange.api_key ?? "", settings.exchange.api_secret ?? ""]
    .filter((secret) => secret !== "");
  const ops = await startLiveOps(settings, strategy.name, secrets, (line) => io.stderr(line));
  let store: LiveStore | undefined;
  try {
    await venue.prepare();
    let instruments = markets;
    let leverage = 1;
    if (settings.exec === "live" && venue.accountFacts !== undefined) {
      // Before trading: the account must be what the engine assumes (or adopted as configured).
      const checked = checkAccount(await venue.accountFacts(), {
        marginMode: settings.account.marginMode,
        leverage: settings.account.leverage,
        instruments: markets.filter((i) => symbols.includes(i.symbol)),
        onMismatch: settings.account.onMismatch,
      });
      for (const line of checked.adopted) {
        ops.log({ level: "warn", component: "runtime", message: `account check: ${line}` });
      }
      const adopted = new Map(checked.instruments.map((i) => [i.symbol, i]));
      instruments = markets.map((i) => adopted.get(i.symbol) ?? i);
      leverage = checked.leverage;
    }
    // One process per account and symbols: a second one on the same key refuses to start.
    store = await openLiveStore({
      engine: settings.persistence.engine,
      path: settings.persistence.path,
      lockKey: `${settings.profile}:${settings.exec}:${symbols.join(",")}`,
    });
    const execution: LiveExecution = venue.execution ?? await paperExecution(settings, matching);
    const tick = execution.kind === "paper" && execution.matching === "tick";
    // The session's receive clock is the one the connectors stamp frames with: the recorder's
    // when recording (monotonic µs), else the wall clock's milliseconds.
    const receiveClock = recorder === undefined ? () => clock.now() : () => recorder.now();
    const runtime = new LiveRuntime({
      strategy,
      instruments,
      initialBalances: {
        [settings.currency]: settings.exec === "live" ? 0 : settings.initialEquity,
      },
      reportingCurrency: settings.currency,
      sizer: parseSizer(flags),
      risk: settings.risk,
      flattenOnKill: settings.flattenOnKill,
      leverage,
      clock,
      // Tick paper waits on the receive clock (the runtime's own sleeper on it).
      ...(tick ? {} : { sleeper }),
      receiveClock,
      ...(recorder === undefined ? {} : { paperEndAt: () => recorder.endSession() }),
      dataInterval: settings.interval,
      // Feeds and the execution channel run under the ops supervisor (cli/_live_ops.ts).
      feeds: ops.superviseFeeds(venue.feedMakers, symbols),
      buildCandles: venue.buildCandles,
      orderVenue: ops.superviseExecution(execution),
      store,
      reconcileIntervalMs: settings.reconciliationIntervalSecs * 1000,
      reconciliationThreshold: settings.reconciliationThreshold,
      unknownOrderPolicy: settings.unknownOrderPolicy,
      cancelOnShutdown: settings.cancelOnShutdown,
      // Without an answer within 5 s an order turns ambiguous and is reconciled, never resent.
      ...(settings.exec === "live" ? { ackTimeoutMs: 5_000 } : {}),
      ...(settings.maxEvents === undefined ? {} : { maxEvents: settings.maxEvents }),
      log: ops.log,
      onEvent: ops.onEvent,
      onReconciliation: ops.onReconciliation,
      onTickToOrder: ops.onTickToOrder,
    });
    // The runtime owns the store from here: it closes it when it stops.
    store = undefined;
    const served = ops.attach(runtime);
    if (recorder !== undefined) {
      // When the session's timers fired (the due time is in the name; the line's time is the
      // receive clock's when it fired).
      runtime.session.engine.bus.subscribe("timer", (event) => {
        if (event.owner !== "@live") recorder.timer(`${event.owner}/${event.tag} ${event.ts}`);
      });
    }
    io.stderr(startLine(settings, strategy.name, symbols, served, matching));
    const summary = await runUntilStopped(runtime, settings, io);
    const recorded = recorder === undefined ? undefined : await closeRecorder(recorder, tapStats);
    if (booleanFlag(flags, "json")) {
      io.stdout(
        JSON.stringify({ ...summary, ...(recorded === undefined ? {} : { recorded }) }, null, 2),
      );
    } else {
      io.stdout(summaryText(summary, settings.currency));
      if (recorded !== undefined) {
        io.stdout(
          `recorded: ${recorded.frames} frames, ${recorded.rest} REST responses, ${recorded.timers} timer lines to ${
            recorded.files.join(", ")
          }${
            recorded.dropped > 0
              ? ` (${recorded.dropped} items dropped: the disk was too slow)`
              : ""
          }`,
        );
      }
    }
    return 0;
  } finally {
    store?.close();
    await ops.close();
    // A failed start still completes the file (the partial part is renamed into place).
    if (recorder !== undefined) await recorder.close().catch(() => {});
  }
}

/** What `--record` wrote. */
interface RecordedSummary {
  readonly files: readonly string[];
  readonly frames: number;
  readonly rest: number;
  readonly timers: number;
  readonly dropped: number;
  readonly binaryFrames: number;
}

// Tick matching for strategies that read books or quotes (they trade on them), when the feed
// has books; candle matching otherwise (and on the paper sandbox, whose walk sends trades only).
function defaultMatching(
  subscriptions: readonly StrategySubscription[],
  settings: LiveSettings,
): "candle" | "tick" {
  if (settings.exec === "live" || settings.exchange.driver === "paper") return "candle";
  return subscriptions.some((s) => s.kind === "book" || s.kind === "quotes") ? "tick" : "candle";
}

function openRecorder(
  settings: LiveSettings,
  symbols: readonly string[],
  matching: "candle" | "tick",
): Recorder {
  const path = settings.record ?? "";
  const paperTick = settings.exec === "paper" && matching === "tick";
  const writer = RecordingWriter.open({
    path,
    venue: settings.exchange.driver,
    header: {
      profile: settings.profile,
      symbols: [...symbols],
      session: `live run --exec ${settings.exec}`,
      // The replay of a paper tick session matches as the session did: on receive times.
      ...(paperTick ? { venueClock: "receive" } : {}),
    },
  });
  return new Recorder({ sink: writer });
}

async function closeRecorder(recorder: Recorder, tapStats: TapStats): Promise<RecordedSummary> {
  // Ends the recording where the session stopped (tick paper ended it already, at its end).
  recorder.endSession();
  const files = await recorder.close();
  const stats = recorder.stats;
  return {
    files,
    frames: stats.frames,
    rest: stats.rest,
    timers: stats.markers,
    dropped: stats.dropped,
    binaryFrames: tapStats.binaryFrames,
  };
}

async function paperExecution(
  settings: LiveSettings,
  matching: "candle" | "tick",
): Promise<LiveExecution> {
  if (matching === "candle") return { kind: "paper", venue: paperVenue(settings) };
  const fee = settings.feeBps === undefined ? undefined : decimal(settings.feeBps).div(10_000);
  const { queueModel, latency } = await resolveTickSettings({
    queueModel: settings.queueModel,
    latencyMs: settings.latencyMs,
    latencyResponseMs: settings.latencyResponseMs,
  });
  return {
    kind: "paper",
    matching: "tick",
    tick: {
      queueModel,
      latency,
      ...(fee === undefined ? {} : { fees: { maker: fee, taker: fee } }),
    },
  };
}

function paperVenue(settings: LiveSettings) {
  const fee = settings.feeBps === undefined ? undefined : decimal(settings.feeBps).div(10_000);
  return {
    slippageBps: settings.slippageBps,
    ...(settings.latencyMs === undefined
      ? {}
      : { latency: { kind: "ms" as const, ms: settings.latencyMs } }),
    ...(fee === undefined ? {} : { makerFeeRate: fee, takerFeeRate: fee }),
  };
}

function startLine(
  settings: LiveSettings,
  strategy: string,
  symbols: readonly string[],
  served: string,
  matching: "candle" | "tick",
): string {
  const bounds = `${
    settings.maxEvents === undefined ? "" : `, at most ${settings.maxEvents} events`
  }${settings.durationMs === undefined ? "" : `, for ${settings.durationMs / 1000} s`}`;
  return `live: ${strategy} on ${symbols.join(", ")} — profile ${settings.profile}, ` +
    `${settings.exec === "paper" ? `paper execution (${matching} matching)` : "live execution"}, ` +
    `${settings.interval} bars${bounds}${
      settings.record === undefined ? "" : `, recording to ${settings.record}`
    }; metrics on ` +
    `http://${served}/metrics, state in ${settings.persistence.path}; Ctrl-C stops`;
}

async function runUntilStopped(
  runtime: LiveRuntime,
  settings: LiveSettings,
  io: CommandIo,
): Promise<LiveRuntimeSummary> {
  let signals = 0;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const onSignal = (name: Deno.Signal) => () => {
    signals++;
    if (signals > 1) {
      io.stderr(`live: second ${name}: exiting now`);
      Deno.exit(130);
    }
    io.stderr(`live: ${name}: stopping (no new orders, flushing state); again to exit at once`);
    runtime.stop(name);
    deadline = setTimeout(() => {
      io.stderr(`live: clean stop took more than ${SHUTDOWN_DEADLINE_MS / 1000} s: exiting`);
      Deno.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
  };
  const handlers: [Deno.Signal, () => void][] = [
    ["SIGINT", onSignal("SIGINT")],
    ["SIGTERM", onSignal("SIGTERM")],
  ];
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  const bound = settings.durationMs === undefined
    ? undefined
    : setTimeout(() => runtime.stop("duration reached"), settings.durationMs);
  try {
    return await runtime.run();
  } finally {
    clearTimeout(bound);
    clearTimeout(deadline);
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}

function summaryText(summary: LiveRuntimeSummary, currency: string): string {
  const equity = Number.isFinite(summary.equity) ? summary.equity.toFixed(2) : "n/a";
  return [
    `ended: ${summary.ended}`,
    `events: ${summary.feed.events} (market ${summary.feed.marketEvents}, trades ${summary.feed.trades}, bars ${summary.feed.candles})`,
    `orders: ${summary.orders}, fills: ${summary.fills}`,
    `equity: ${equity} ${currency}`,
    `reconciliations: ${summary.reconciliations}, kill switch: ${
      summary.killSwitch ? "tripped" : "off"
    }`,
  ].join("\n");
}
