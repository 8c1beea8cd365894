import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { simulatorCommand } from "../../cli/simulator.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("simulator run without --venue or with an unknown venue is a usage error", async () => {
  const io = recordingIo();
  assert.equal(await main(["simulator", "run"], io), 2);
  assert.equal(
    io.err[0],
    "error: simulator run: --venue is required (hint: use --venue bybit or --venue binance)",
  );
  const other = recordingIo();
  assert.equal(await main(["simulator", "run", "--venue", "kraken"], other), 2);
  assert.match(other.err[0], /unknown venue "kraken"/);
  const sub = recordingIo();
  assert.equal(await main(["simulator", "serve"], sub), 2);
  assert.match(sub.err[0], /unknown simulator command "serve"/);
});

Deno.test("simulator run --help prints its usage", async () => {
  const io = recordingIo();
  assert.equal(await simulatorCommand(["run", "--help"], io), 0);
  assert.match(io.out[0], /^Usage: tesser simulator run --venue bybit\|binance/);
});

Deno.test("simulator run names the line of a bad accounts or faults file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/accounts.toml`,
      '[[account]]\napi_key = "k"\napi_secret = "s"\nbalance = "-5"\n',
    );
    const io = recordingIo();
    assert.equal(
      await main(
        ["simulator", "run", "--venue", "bybit", "--accounts", `${dir}/accounts.toml`],
        io,
      ),
      2,
    );
    assert.equal(
      io.err[0],
      `error: ${dir}/accounts.toml:4: account 1: balance must be a positive decimal string, got "-5"`,
    );
    await Deno.writeTextFile(`${dir}/faults.toml`, '[[fault]]\nkind = "ws-drop"\nat = 5\n');
    const faults = recordingIo();
    assert.equal(
      await main(
        ["simulator", "run", "--venue", "bybit", "--faults", `${dir}/faults.toml`],
        faults,
      ),
      2,
    );
    assert.match(faults.err[0], /faults\.toml:3: fault 1: unknown key "at"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("simulator run in-process: serves until its signal, prints URLs and keys", async () => {
  const io = recordingIo();
  const stop = new AbortController();
  const running = simulatorCommand(["run", "--venue", "bybit", "--interval", "5"], io, {
    signal: stop.signal,
  });
  const deadline = Date.now() + 5000;
  while (!io.out.some((line) => line.startsWith("market:")) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const rest = io.out.find((line) => line.includes("rest"))?.split(/\s+/).at(-1) ?? "";
  const time = await (await fetch(`${rest}/v5/market/time`)).json();
  assert.equal(time.retCode, 0);
  assert.ok(io.out.some((line) => line.includes("api key sim-bybit-key-0")));
  stop.abort();
  assert.equal(await running, 0);
  assert.match(io.out.at(-1) ?? "", /^stopped: 0 orders, 0 fills, 0 faults$/);
});

Deno.test("tesser simulator run as a process: trade over REST, read the control endpoint, SIGTERM writes the ledger", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/accounts.toml`,
      '[[account]]\napi_key = "e2e-key"\napi_secret = "e2e-secret"\nbalance = "5000"\n',
    );
    await Deno.writeTextFile(
      `${dir}/faults.toml`,
      'seed = 3\n[[fault]]\nkind = "clock-skew"\nms = 0\nat_ms = 0\n',
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-net=127.0.0.1",
        "--allow-sys",
        "cli/main.ts",
        "simulator",
        "run",
        "--venue",
        "binance",
        "--accounts",
        `${dir}/accounts.toml`,
        "--faults",
        `${dir}/faults.toml`,
        "--ledger",
        `${dir}/ledger.jsonl`,
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const deadline = Date.now() + 30_000;
    while (!text.includes("Ctrl-C stops") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const rest = /rest\s+(\S+)/.exec(text)?.[1];
    assert.ok(rest !== undefined, `no REST URL in:\n${text}`);
    assert.match(text, /api key e2e-key {3}api secret e2e-secret/);
    const time = (await (await fetch(`${rest}/fapi/v1/time`)).json()).serverTime as number;
    const query =
      `symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&newClientOrderId=e2e-1&timestamp=${time}`;
    const signature = createHmac("sha256", "e2e-secret").update(query).digest("hex");
    const placed = await fetch(`${rest}/fapi/v1/order?${query}&signature=${signature}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": "e2e-key" },
    });
    assert.equal(placed.status, 200, await placed.clone().text());
    await placed.body?.cancel();
    const ledger = await (await fetch(`${rest}/__sim/ledger`)).json();
    assert.equal(ledger.orders[0].clientId, "e2e-1");
    assert.equal(ledger.orders[0].status, "filled");
    const faults = await (await fetch(`${rest}/__sim/faults`)).json();
    assert.deepEqual(faults.log.map((e: { kind: string }) => e.kind), ["clock-skew"]);
    child.kill("SIGTERM");
    let tail = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      tail += value;
    }
    const status = await child.status;
    await child.stderr.cancel();
    assert.equal(status.code, 0);
    assert.match(tail, /stopped: 1 orders, \d+ fills, 1 faults/);
    const lines = (await Deno.readTextFile(`${dir}/ledger.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.ok(lines.some((entry) => entry.kind === "fill" && entry.fill.clientId === "e2e-1"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
