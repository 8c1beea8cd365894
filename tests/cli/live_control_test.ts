import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { type ControlHandlers, ControlRefusedError } from "../../lib/live/ops/control.ts";
import {
  controlFilePath,
  removeControlFile,
  writeControlFile,
} from "../../lib/live/ops/control_file.ts";
import { LiveMetrics } from "../../lib/live/ops/metrics.ts";
import { type OpsServer, startOpsServer } from "../../lib/live/ops/server.ts";

const TOKEN = "f".repeat(64);

interface Seen {
  readonly calls: string[];
  readonly reasons: (string | undefined)[];
}

function handlers(seen: Seen): ControlHandlers {
  const record = (action: string, reason?: string): void => {
    seen.calls.push(action);
    seen.reasons.push(reason);
  };
  return {
    status: () => {
      record("status");
      return { mode: "live", halted: false, kill_switch: false, open_orders: 2 };
    },
    halt: (request) => {
      record("halt", request.reason);
      return { halted: true };
    },
    resume: (request) => {
      record("resume", request.reason);
      throw new ControlRefusedError("cannot resume: the kill switch is tripped; clear it first");
    },
    flatten: (request) => {
      record("flatten", request.reason);
      return { closing: ["bybit:BTCUSDT"] };
    },
    clearKillSwitch: (request) => {
      record("clear-kill-switch", request.reason);
      return { kill_switch: false };
    },
  };
}

async function withProcess(
  body: (context: { server: OpsServer; statePath: string; seen: Seen }) => Promise<void>,
): Promise<void> {
  const seen: Seen = { calls: [], reasons: [] };
  const dir = Deno.makeTempDirSync();
  const statePath = join(dir, "live_state.db");
  const server = startOpsServer({
    addr: "127.0.0.1:0",
    metrics: new LiveMetrics(),
    health: () => ({ status: "ok" }),
    control: handlers(seen),
    token: TOKEN,
  });
  writeControlFile(statePath, { addr: server.addr, token: TOKEN, strategy: "sma" });
  try {
    await body({ server, statePath, seen });
  } finally {
    await server.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("live control <action> --state-path reads the control file and sends the action", async () => {
  await withProcess(async ({ statePath, seen }) => {
    const io = recordingIo();
    const code = await main([
      "live",
      "control",
      "halt",
      "--state-path",
      statePath,
      "--reason",
      "maintenance",
    ], io);
    assert.equal(code, 0, io.err.join("\n"));
    assert.deepEqual(io.out, ["halt: done", "halted: true"]);
    assert.deepEqual(seen.calls, ["halt"]);
    assert.deepEqual(seen.reasons, ["maintenance"]);
    const status = recordingIo();
    assert.equal(await main(["live", "control", "status", "--state-path", statePath], status), 0);
    assert.deepEqual(status.out, [
      "mode: live",
      "halted: false",
      "kill_switch: false",
      "open_orders: 2",
    ]);
  });
});

Deno.test("live control --addr --token works without a control file, and --json prints the answer", async () => {
  await withProcess(async ({ server, seen }) => {
    const io = recordingIo();
    const code = await main([
      "live",
      "control",
      "flatten",
      "--addr",
      server.addr,
      "--token",
      TOKEN,
      "--json",
    ], io);
    assert.equal(code, 0, io.err.join("\n"));
    assert.deepEqual(JSON.parse(io.out.join("\n")), {
      action: "flatten",
      result: { closing: ["bybit:BTCUSDT"] },
    });
    const clear = recordingIo();
    assert.equal(
      await main(
        ["live", "control", "clear-kill-switch", "--addr", server.addr, "--token", TOKEN],
        clear,
      ),
      0,
    );
    assert.deepEqual(seen.calls, ["flatten", "clear-kill-switch"]);
  });
});

Deno.test("live control prints a refusal in one line and exits 1", async () => {
  await withProcess(async ({ statePath }) => {
    const io = recordingIo();
    assert.equal(await main(["live", "control", "resume", "--state-path", statePath], io), 1);
    assert.deepEqual(io.err, [
      "error: resume refused: cannot resume: the kill switch is tripped; clear it first",
    ]);
  });
});

Deno.test("live control with a wrong token exits 1 and says the token was refused, without echoing it", async () => {
  await withProcess(async ({ server, seen }) => {
    const io = recordingIo();
    const wrong = "e".repeat(64);
    assert.equal(
      await main(["live", "control", "halt", "--addr", server.addr, "--token", wrong], io),
      1,
    );
    assert.match(io.err[0], /^error: the live process refused the token \(HTTP 401\)/);
    assert.ok(!io.err.join("\n").includes(wrong));
    assert.deepEqual(seen.calls, []);
  });
});

Deno.test("live control usage errors exit 2 with what to do", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["live", "control"],
      /live control needs an action \(hint: one of status, halt, resume, flatten, clear-kill-switch/,
    ],
    [
      ["live", "control", "nuke", "--addr", "127.0.0.1:1"],
      /unknown control action "nuke" \(hint: actions: status, halt/,
    ],
    [["live", "control", "halt"], /exactly one of --state-path FILE or --addr HOST:PORT/],
    [["live", "control", "halt", "--addr", "127.0.0.1:9100"], /--addr needs --token/],
    [
      ["live", "control", "halt", "--addr", "localhost", "--token", TOKEN],
      /--addr "localhost" is not HOST:PORT/,
    ],
    [
      ["live", "control", "halt", "--state-path", "/nonexistent/state.db"],
      /no control file \/nonexistent\/state.db.control.json.*is `tesser live run` running with this state file\?/,
    ],
    [["live", "stop"], /unknown live command "stop"/],
  ];
  for (const [args, pattern] of cases) {
    const io = recordingIo();
    assert.equal(await main(args, io), 2, args.join(" "));
    assert.match(io.err.join("\n"), pattern, args.join(" "));
  }
});

Deno.test("live control cannot reach a stopped process: exit 1 naming the address", async () => {
  const dir = Deno.makeTempDirSync();
  const statePath = join(dir, "state.db");
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const addr = `127.0.0.1:${(probe.addr as Deno.NetAddr).port}`;
  probe.close();
  writeControlFile(statePath, { addr, token: TOKEN });
  const io = recordingIo();
  assert.equal(await main(["live", "control", "status", "--state-path", statePath], io), 1);
  assert.match(
    io.err[0],
    new RegExp(`^error: cannot reach the live process at ${addr}: .*\\(hint: is it running`),
  );
  assert.ok(!io.err[0].includes(TOKEN));
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("the control file is owner-only, versioned, and removed only by the process that wrote it", () => {
  const dir = Deno.makeTempDirSync();
  const statePath = join(dir, "state.db");
  const path = writeControlFile(statePath, {
    addr: "127.0.0.1:9100",
    token: TOKEN,
    strategy: "sma",
    pid: 4242,
  });
  assert.equal(path, controlFilePath(statePath));
  assert.equal(path, `${statePath}.control.json`);
  assert.equal((Deno.statSync(path).mode ?? 0) & 0o777, 0o600);
  const written = JSON.parse(Deno.readTextFileSync(path));
  assert.equal(written.format, "tesser-live-control");
  assert.equal(written.version, 1);
  assert.equal(written.pid, 4242);
  assert.equal(removeControlFile(statePath, 1), false, "another pid's file stays");
  assert.equal(removeControlFile(statePath, 4242), true);
  assert.equal(removeControlFile(statePath, 4242), false, "nothing left to remove");
  Deno.writeTextFileSync(path, '{"format":"other","version":9}');
  const io = recordingIo();
  return main(["live", "control", "status", "--state-path", statePath], io).then((code) => {
    assert.equal(code, 1);
    assert.match(io.err[0], /not a version-1 control file \(format "other", version 9\)/);
    Deno.removeSync(dir, { recursive: true });
  });
});

Deno.test("live control --help prints the usage with every action and exits 0", async () => {
  const io = recordingIo();
  assert.equal(await main(["live", "control", "--help"], io), 0);
  const help = io.out.join("\n");
  assert.match(
    help,
    /^Usage: tesser live control <action> \(--state-path FILE \| --addr HOST:PORT --token TOKEN\)/,
  );
  for (const action of ["status", "halt", "resume", "flatten", "clear-kill-switch"]) {
    assert.match(help, new RegExp(`\\n  ${action} `));
  }
});
