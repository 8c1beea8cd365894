/**
 * `tesser state inspect`: what a live process's state file holds — the last commit (account,
 * positions, working orders with their in-flight state, brackets, client-id counter, kill
 * switch, event ids) and what was written after it — as a human summary or as JSON. Reads the
 * file without taking its lock, so it works while the live process runs.
 *
 * @module
 */

import { loadTesserConfig } from "../lib/config/mod.ts";
import { ConfigError } from "../lib/domain/mod.ts";
import type { OmsSnapshot } from "../lib/execution/mod.ts";
import {
  inspectLiveStore,
  type LiveStore,
  type PersistedLiveState,
  type UncommittedWrites,
} from "../lib/live/state/mod.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { booleanFlag, parseFlags, stringFlag } from "./usage_error.ts";

const HELP = `Usage: tesser state inspect [--path FILE] [--raw | --json]

Prints what a live state file holds: the last commit (balances, positions, working orders and
their in-flight state, brackets owed, client-id counter, kill switch, last event ids) and the
intents and fills written after it. The file is read without its lock, so this works while the
live process runs. The engine (SQLite or LMDB) is read from the file.

Options:
  --path FILE   the state file (default: [live.persistence] path of the config)
  --raw         print the whole state as JSON (the committed state exactly as stored)
  --json        the same as --raw
  -h, --help

Backup: sqlite3 FILE ".backup BACKUP" (a consistent copy while the process runs).
Restore: stop the process, copy BACKUP over FILE (removing FILE-wal and FILE-shm), start it.`;

const HELP_TOP = `Usage: tesser state <command>

Commands:
  inspect    print what a live state file holds (tesser state inspect --help)`;

/** What `state inspect --json` prints. */
export interface StateInspection {
  /** The file. */
  readonly path: string;
  /** Its engine. */
  readonly engine: string;
  /** Its schema version. */
  readonly schemaVersion: number;
  /** Intents, fills and commits recorded. */
  readonly counts: ReturnType<LiveStore["counts"]>;
  /** The last committed state; null on a file that was never committed. */
  readonly state: PersistedLiveState | null;
  /** What was written after the last commit. */
  readonly uncommitted: UncommittedWrites;
}

function defaultPath(global: GlobalOptions): string {
  const { config } = loadTesserConfig({
    configDir: global.configDir,
    env: global.env,
    environment: Deno.env.toObject(),
  });
  const path = config.live?.persistence?.path ?? config.live?.state_path;
  if (path === undefined || path === "") {
    throw new ConfigError("state inspect: no state file given and none configured", {
      hint: "pass --path FILE or set [live.persistence] path",
    });
  }
  return path;
}

function time(micros: number): string {
  const ms = Math.floor(micros / 1000);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : `${micros}`;
}

function omsLines(oms: OmsSnapshot): string[] {
  const lines = [`Trading state: ${oms.tradingState}`];
  const ids = oms.clientIds;
  lines.push(
    `Client ids: prefix ${ids.prefix}, epoch ${
      ids.epochMs === undefined ? "not started" : new Date(ids.epochMs).toISOString()
    }, ${ids.counter} made`,
  );
  lines.push(`Working orders: ${oms.orders.length}`);
  for (const order of oms.orders) {
    const r = order.request;
    const price = r.price === undefined ? "" : ` @ ${r.price}`;
    const trigger = r.triggerPrice === undefined ? "" : ` trigger ${r.triggerPrice}`;
    const status = order.venue?.status ?? "not acknowledged";
    const flight = order.inFlight === undefined
      ? ""
      : `, ${order.inFlight} in flight${order.ambiguous ? " (ambiguous: reconcile)" : ""}`;
    lines.push(
      `  ${r.clientOrderId} ${r.symbol} ${r.side} ${r.type} ${r.quantity}${price}${trigger}${
        r.reduceOnly ? " reduce-only" : ""
      }: ${status}, filled ${order.filledByFills}${flight}`,
    );
  }
  for (const bracket of oms.brackets) {
    lines.push(
      `  bracket owed to ${bracket.entry}: stop ${bracket.stopLoss ?? "-"}, target ${
        bracket.takeProfit ?? "-"
      } (entry not filled yet)`,
    );
  }
  for (const waiting of oms.awaitingFills ?? []) {
    lines.push(
      `  bracket owed to ${waiting.entry.request.clientOrderId}: stop ${
        waiting.stopLoss ?? "-"
      }, target ${
        waiting.takeProfit ?? "-"
      } (entry ${waiting.entry.status}, ${waiting.booked} of ${waiting.entry.filledQuantity} booked)`,
    );
  }
  return lines;
}

function summary(inspection: StateInspection): string[] {
  const { state, counts, uncommitted } = inspection;
  const lines = [
    `State file: ${inspection.path} (${inspection.engine}, schema ${inspection.schemaVersion})`,
  ];
  lines.push(
    `Recorded: ${counts.intents} intents, ${counts.fills} fills, ${counts.commits} commits`,
  );
  if (state === null) {
    lines.push("Committed state: none yet (the process never committed)");
  } else {
    lines.push(`Committed: ${time(state.savedAt)}`);
    const latch = state.killSwitch;
    lines.push(
      latch.tripped
        ? `Kill switch: TRIPPED${latch.at === undefined ? "" : ` at ${time(latch.at)}`}${
          latch.reason === undefined ? "" : ` (${latch.reason})`
        }; reducing-only until an operator clears it`
        : "Kill switch: not tripped",
    );
    const balances = Object.entries(state.portfolio.balances);
    lines.push(
      `Balances: ${
        balances.length === 0 ? "none" : balances.map(([c, v]) => `${c} ${v}`).join(", ")
      }`,
    );
    const open = state.portfolio.positions.filter((p) => Number(p.quantity) !== 0);
    lines.push(`Positions: ${open.length === 0 ? "flat" : ""}`.trimEnd());
    for (const p of open) {
      lines.push(`  ${p.symbol} ${p.quantity} (cost ${p.cost}, realized ${p.realizedPnl})`);
    }
    lines.push(...omsLines(state.oms));
    const ids = Object.entries(state.lastEventIds);
    lines.push(
      `Last event ids: ${ids.length === 0 ? "none" : ids.map(([k, v]) => `${k}=${v}`).join(", ")}`,
    );
  }
  lines.push(
    `After the last commit: ${uncommitted.intents.length} intents, ${uncommitted.fills.length} fills` +
      (uncommitted.intents.length + uncommitted.fills.length > 0
        ? " (settled by reconciliation when the process restarts)"
        : ""),
  );
  for (const intent of uncommitted.intents) {
    lines.push(`  intent ${intent.command.type} ${intent.clientOrderId} at ${time(intent.ts)}`);
  }
  for (const { fill } of uncommitted.fills) {
    lines.push(
      `  fill ${fill.tradeId} ${fill.symbol} ${fill.side} ${fill.quantity} @ ${fill.price} (${fill.clientOrderId})`,
    );
  }
  return lines;
}

/** Reads a state file into what `state inspect` prints. */
export async function inspectStateFile(path: string): Promise<StateInspection> {
  const store = await inspectLiveStore(path);
  try {
    return {
      path,
      engine: store.engine,
      schemaVersion: store.schemaVersion,
      counts: store.counts(),
      state: store.load() ?? null,
      uncommitted: store.uncommitted(),
    };
  } finally {
    store.close();
  }
}

/** Runs `tesser state ...`; returns the exit code. */
export async function stateCommand(
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    if (sub === undefined) {
      io.stderr(HELP_TOP);
      return 2;
    }
    io.stdout(HELP_TOP);
    return 0;
  }
  if (sub !== "inspect") {
    throw new ConfigError(`unknown state command "${sub}"`, { hint: "commands: inspect" });
  }
  const flags = parseFlags("state inspect", rest, {
    path: { type: "string" },
    raw: { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const path = stringFlag(flags, "path") ?? defaultPath(global);
  const inspection = await inspectStateFile(path);
  if (booleanFlag(flags, "raw") || booleanFlag(flags, "json")) {
    io.stdout(JSON.stringify(inspection, null, 2));
    return 0;
  }
  for (const line of summary(inspection)) io.stdout(line);
  return 0;
}
