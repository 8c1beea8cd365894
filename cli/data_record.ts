/**
 * `tesser data record --exchange PROFILE --symbol SYM... --channels book,trades --output FILE.gz
 * [--duration 10m]`: runs the profile's market stream with its socket, timers and REST tapped
 * into a recorder, so the file holds every frame as received (docs/recording.md), until the
 * duration is over or SIGINT/SIGTERM. The stream's own events are only counted.
 *
 * @module
 */

import { binanceFromProfile } from "../connectors/binance/profile.ts";
import { BitmexMarketStream } from "../connectors/bitmex/mod.ts";
import { bybitFromProfile, nativeSocket, realTimers } from "../connectors/bybit/mod.ts";
import { Recorder } from "../connectors/recording/recorder.ts";
import { tapFetch, tapSocket, type TapStats, tapTimers } from "../connectors/recording/tap.ts";
import { RecordingWriter } from "../connectors/recording/writer.ts";
import type { MarketChannel, MarketStream, MarketSubscription } from "../lib/broker/mod.ts";
import { type ExchangeConfig, loadTesserConfig } from "../lib/config/mod.ts";
import { ConfigError, type Interval, parseInterval, symbolId } from "../lib/domain/mod.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { booleanFlag, numberFlag, parseFlags, stringFlag, stringsFlag } from "./usage_error.ts";

const USAGE =
  `Usage: tesser data record --exchange PROFILE --symbol SYM [--symbol SYM...] --output FILE.gz
         [--channels book,trades,quotes,candles] [--depth N] [--interval 1m] [--duration 10m]
         [--rotate-mb N] [--rotate-hourly] [--buffer-mb 64] [--json]

Records the profile's public market stream, every frame as received, one per line
"<receive time ns> <raw JSON>" (gzip), until --duration is over or Ctrl-C. Replay it with
tesser backtest run --mode tick --lob-data FILE.gz. Format: docs/recording.md.`;

const CHANNELS: readonly MarketChannel[] = ["book", "trades", "quotes", "candles"];

/** What the record command needs from outside (tests pass their own). */
export interface RecordContext {
  /** Global CLI options (config folder and env). */
  readonly global: GlobalOptions;
  /** Environment variables (`TESSER_*` overrides). */
  readonly environment: Readonly<Record<string, string>>;
  /** Stops the recording early (tests); SIGINT and SIGTERM do too. */
  readonly signal?: AbortSignal;
}

/** A duration flag (`500ms`, `30s`, `10m`, `2h`) in ms. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (match === null) {
    throw new ConfigError(`flag --${flag}: "${text}" is not a duration`, {
      hint: "use a number and a unit: 500ms, 30s, 10m or 2h",
    });
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
  const ms = Number(match[1]) * unit;
  if (!(ms > 0)) throw new ConfigError(`flag --${flag}: must be longer than 0, got "${text}"`);
  return ms;
}

function channelsOf(text: string | undefined): readonly MarketChannel[] {
  if (text === undefined) return ["book", "trades"];
  const out: MarketChannel[] = [];
  for (const part of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const channel = CHANNELS.find((c) => c === part);
    if (channel === undefined) {
      throw new ConfigError(`flag --channels: unknown channel "${part}"`, {
        hint: `channels are ${CHANNELS.join(", ")}`,
      });
    }
    if (!out.includes(channel)) out.push(channel);
  }
  if (out.length === 0) throw new ConfigError("flag --channels: no channel given");
  return out;
}

/** The stream of a profile, recording into `recorder`. */
function recordingStream(
  profile: string,
  config: ExchangeConfig,
  recorder: Recorder,
  stats: TapStats,
): MarketStream {
  switch (config.driver) {
    case "bybit":
      return bybitFromProfile(profile, config, {
        socket: tapSocket(nativeSocket, recorder, stats),
        timers: tapTimers(realTimers, recorder),
      }).marketStream();
    case "bitmex": {
      const url = config.ws_url ?? "";
      if (url === "") {
        throw new ConfigError("ws_url is not set", {
          location: { file: `[exchange.${profile}]` },
          hint: "see the bitmex_mainnet profile in config/default.toml",
        });
      }
      return new BitmexMarketStream({
        url,
        socket: tapSocket(nativeSocket, recorder, stats),
        timers: tapTimers(realTimers, recorder),
      });
    }
    case "binance":
      // The depth snapshots the book synchronizer takes are recorded as `#rest` lines.
      return binanceFromProfile(profile, config, {
        fetch: tapFetch(
          fetch,
          recorder,
          (method, url) => method === "GET" && url.pathname === "/fapi/v1/depth",
        ),
        socket: tapSocket(nativeSocket, recorder, stats),
        timers: tapTimers(realTimers, recorder),
      }).marketStream();
    case "paper":
    case "simulator":
      throw new ConfigError(
        `[exchange.${profile}] driver "${config.driver}" has no market stream to record`,
        { hint: "use a bybit, binance or bitmex profile (e.g. bybit_mainnet)" },
      );
    default: {
      const never: never = config.driver;
      throw new ConfigError(`unknown driver ${String(never)}`);
    }
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined) {
    throw new ConfigError(`tesser data record: missing --${flag}`, {
      hint: "see tesser data record --help",
    });
  }
  return value;
}

/** Runs `tesser data record`; returns the exit code. */
export async function recordCommand(
  args: string[],
  io: CommandIo,
  context: RecordContext,
): Promise<number> {
  const flags = parseFlags("data record", args, {
    help: { type: "boolean", short: "h" },
    json: { type: "boolean" },
    exchange: { type: "string" },
    symbol: { type: "string", multiple: true },
    channels: { type: "string" },
    depth: { type: "string" },
    interval: { type: "string" },
    output: { type: "string" },
    duration: { type: "string" },
    "rotate-mb": { type: "string" },
    "rotate-hourly": { type: "boolean" },
    "buffer-mb": { type: "string" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(USAGE);
    return 0;
  }
  const json = booleanFlag(flags, "json");
  const profile = required(stringFlag(flags, "exchange"), "exchange");
  const output = required(stringFlag(flags, "output"), "output");
  if (!output.endsWith(".gz")) {
    throw new ConfigError(`flag --output: a recording is gzip text, name it *.gz (got ${output})`);
  }
  const rawSymbols = stringsFlag(flags, "symbol");
  if (rawSymbols.length === 0) required(undefined, "symbol");
  const channels = channelsOf(stringFlag(flags, "channels"));
  const depth = numberFlag(flags, "depth", { min: 1, integer: true });
  let interval: Interval | undefined;
  try {
    const text = stringFlag(flags, "interval");
    interval = text === undefined ? undefined : parseInterval(text);
  } catch (error) {
    throw new ConfigError(`flag --interval: ${(error as Error).message}`);
  }
  const durationText = stringFlag(flags, "duration");
  const durationMs = durationText === undefined
    ? undefined
    : parseDuration(durationText, "duration");
  const rotateMb = numberFlag(flags, "rotate-mb", { min: 1 });
  const bufferMb = numberFlag(flags, "buffer-mb", { min: 1 }) ?? 64;

  const { config } = loadTesserConfig({
    configDir: context.global.configDir,
    env: context.global.env,
    environment: context.environment,
  });
  const entry = config.exchange?.[profile];
  if (entry === undefined) {
    throw new ConfigError(`--exchange: no [exchange.${profile}] in the config`, {
      hint: `known profiles: ${Object.keys(config.exchange ?? {}).join(", ")}`,
    });
  }
  const venue = entry.driver;
  const symbols = rawSymbols.map((s) => {
    try {
      return symbolId(s.includes(":") ? s : `${venue}:${s}`);
    } catch (error) {
      throw new ConfigError(`flag --symbol: ${(error as Error).message}`);
    }
  });
  const wrongVenue = symbols.find((s) => !s.startsWith(`${venue}:`));
  if (wrongVenue !== undefined) {
    throw new ConfigError(`flag --symbol: ${wrongVenue} is not a ${venue} symbol`, {
      hint: `[exchange.${profile}] is driver "${venue}"`,
    });
  }
  const subscriptions: MarketSubscription[] = symbols.map((symbol) => ({
    symbol,
    channels,
    ...(interval === undefined ? {} : { interval }),
    ...(depth === undefined ? {} : { depth }),
  }));

  const writer = RecordingWriter.open({
    path: output,
    venue,
    header: { profile, symbols, channels: [...channels] },
    ...(rotateMb === undefined ? {} : { maxBytes: rotateMb * 1024 * 1024 }),
    rotateHourly: booleanFlag(flags, "rotate-hourly"),
  });
  const recorder = new Recorder({ sink: writer, capacityBytes: bufferMb * 1024 * 1024 });
  const tapStats: TapStats = { binaryFrames: 0 };
  const stream = recordingStream(profile, entry, recorder, tapStats);

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  context.signal?.addEventListener("abort", onSignal);
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  const timer = durationMs === undefined ? undefined : setTimeout(onSignal, durationMs);
  let events = 0;
  let closed = false;
  const started = Date.now();
  try {
    const subscribed = stream.subscribe(subscriptions);
    const stopped = new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      stop.signal.addEventListener("abort", () => resolve());
    });
    await Promise.race([subscribed, stopped]);
    if (!stop.signal.aborted) await subscribed;
    if (!json) io.stderr(`recording ${symbols.join(", ")} (${channels.join(",")}) to ${output}`);
    const consume = (async () => {
      for await (const _event of stream.events()) events++;
    })();
    await stopped;
    closed = true;
    await stream.close();
    await consume;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    context.signal?.removeEventListener("abort", onSignal);
    if (!closed) await stream.close();
  }
  const files = await recorder.close();
  const s = recorder.stats;
  const summary = {
    event: "done",
    files,
    frames: s.frames,
    rest: s.rest,
    markers: s.markers,
    bytes: s.bytes,
    dropped: s.dropped,
    binaryFrames: tapStats.binaryFrames,
    events,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  if (json) io.stdout(JSON.stringify(summary));
  else {
    io.stdout(
      `recorded ${s.frames} frames (${s.rest} REST responses, ${s.dropped} dropped) in ${summary.seconds} s to ${
        files.join(", ")
      }`,
    );
  }
  return 0;
}
