/**
 * `tesser live control <action>`: sends an operator action (status, halt, resume, flatten,
 * clear-kill-switch) to a running `tesser live run`, found by its state file's control file or
 * by its address.
 *
 * @module
 */

import { ConfigError, type JsonValue } from "../lib/domain/mod.ts";
import { CONTROL_ACTIONS, parseControlAction } from "../lib/live/ops/control.ts";
import { sendControl } from "../lib/live/ops/control_client.ts";
import { readControlFile } from "../lib/live/ops/control_file.ts";
import { parseListenAddr } from "../lib/live/ops/listen_addr.ts";
import type { CommandIo } from "./io.ts";
import { booleanFlag, numberFlag, parseFlags, stringFlag } from "./usage_error.ts";

const HELP =
  `Usage: tesser live control <action> (--state-path FILE | --addr HOST:PORT --token TOKEN)
                            [--reason TEXT] [--timeout-ms N] [--json]

Sends an operator action to a running \`tesser live run\`.

Actions:
  status              print the process's state (mode, positions, orders, kill switch, tasks)
  halt                stop new entries (reducing-only); working orders stay
  resume              end a halt (refused while a reconciliation mismatch is open)
  flatten             cancel working entries and close every position
  clear-kill-switch   clear the persisted drawdown kill-switch latch

Options:
  --state-path FILE   the live process's state file: its address and token are read from
                      FILE.control.json, which the process writes when its ops server starts
  --addr HOST:PORT    the process's live.metrics_addr (needs --token)
  --token TOKEN       the control token (overrides the control file's)
  --reason TEXT       why, for the process's log and alert
  --timeout-ms N      give up after N ms (default 10000)
  --json              print the answer as JSON
  -h, --help`;

/** Runs `tesser live control`; returns the exit code. */
export async function liveControlCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags("live control", args, {
    "state-path": { type: "string" },
    addr: { type: "string" },
    token: { type: "string" },
    reason: { type: "string" },
    "timeout-ms": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (booleanFlag(flags, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const [name, ...extra] = flags.positionals;
  if (name === undefined) {
    throw new ConfigError("live control needs an action", {
      hint: `one of ${CONTROL_ACTIONS.join(", ")}; run "tesser live control --help"`,
    });
  }
  const action = parseControlAction(name);
  if (action === undefined) {
    throw new ConfigError(`unknown control action "${name}"`, {
      hint: `actions: ${CONTROL_ACTIONS.join(", ")}`,
    });
  }
  if (extra.length > 0) {
    throw new ConfigError(`unexpected argument "${extra[0]}" after the action`, {
      hint: `run "tesser live control --help"`,
    });
  }
  const statePath = stringFlag(flags, "state-path");
  const addrFlag = stringFlag(flags, "addr");
  if ((statePath === undefined) === (addrFlag === undefined)) {
    throw new ConfigError(
      "live control needs exactly one of --state-path FILE or --addr HOST:PORT",
      {
        hint:
          "--state-path reads the address and token the live process wrote next to its state file",
      },
    );
  }
  const file = statePath === undefined ? undefined : readControlFile(statePath);
  const addr = addrFlag ?? file?.addr ?? "";
  parseListenAddr(addr, { name: addrFlag === undefined ? "the control file's addr" : "--addr" });
  const token = stringFlag(flags, "token") ?? file?.token;
  if (token === undefined || token === "") {
    throw new ConfigError("--addr needs --token (the process's live.control_token)", {
      hint: "or use --state-path, which reads the token from the control file",
    });
  }
  const timeoutMs = numberFlag(flags, "timeout-ms", { integer: true, min: 1 }) ?? 10_000;
  const reason = stringFlag(flags, "reason");
  const result = await sendControl(
    { addr, token, timeoutMs },
    action,
    reason === undefined ? {} : { reason },
  );
  if (booleanFlag(flags, "json")) {
    io.stdout(JSON.stringify({ action, result }, null, 2));
    return 0;
  }
  if (action !== "status") io.stdout(`${action}: done`);
  for (const [key, value] of Object.entries(result)) io.stdout(`${key}: ${show(value)}`);
  return 0;
}

function show(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
