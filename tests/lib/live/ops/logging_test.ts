import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../../../lib/domain/mod.ts";
import {
  configureLiveLogging,
  liveLogger,
  writeLiveLog,
} from "../../../../lib/live/ops/logging.ts";

function readLines(path: string): Record<string, unknown>[] {
  return Deno.readTextFileSync(path).split("\n").filter((line) => line !== "").map((line) =>
    JSON.parse(line)
  );
}

Deno.test("configureLiveLogging writes one JSON line per record with time, level, component, strategy and ids", async () => {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "logs", "live.json");
  const terminal: string[] = [];
  const logging = await configureLiveLogging({
    path,
    strategy: "sma_btc",
    terminal: (line) => terminal.push(line),
  });
  liveLogger("oms").info("order accepted", { clientOrderId: "t-1-7", orderId: "991" });
  liveLogger("feed").warn("stream stale", { symbol: "bybit:BTCUSDT" });
  liveLogger("feed").debug("below the level: not written");
  await logging.close();
  const lines = readLines(path);
  assert.equal(lines.length, 2);
  assert.deepEqual(Object.keys(lines[0]).slice(0, 5), [
    "time",
    "level",
    "component",
    "strategy",
    "message",
  ]);
  assert.equal(lines[0].level, "info");
  assert.equal(lines[0].component, "oms");
  assert.equal(lines[0].strategy, "sma_btc");
  assert.equal(lines[0].message, "order accepted");
  assert.equal(lines[0].clientOrderId, "t-1-7");
  assert.equal(lines[0].orderId, "991");
  assert.ok(!Number.isNaN(Date.parse(String(lines[0].time))));
  assert.equal(lines[1].level, "warn");
  assert.equal(lines[1].symbol, "bybit:BTCUSDT");
  assert.equal(terminal.length, 2);
  assert.match(
    terminal[0],
    /^\d\d:\d\d:\d\d\.\d{3} INFO {2}oms: order accepted clientOrderId=t-1-7 orderId=991$/,
  );
  assert.match(terminal[1], /WARN {2}feed: stream stale symbol=bybit:BTCUSDT/);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("configureLiveLogging redacts secret fields and secret values in the file and on the terminal", async () => {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "live.json");
  const terminal: string[] = [];
  const webhook = "https://hooks.example.test/services/T000/B000/XXXXSECRET";
  const apiSecret = "s3cr3t-api-secret-value";
  const logging = await configureLiveLogging({
    path,
    strategy: "mm",
    terminal: (line) => terminal.push(line),
    secrets: [webhook, apiSecret],
  });
  const log = liveLogger("alerts");
  log.error(`webhook POST to ${webhook} failed`, {
    error: new TypeError(`error sending request for url (${webhook})`),
    api_key: "AKIA-visible-only-by-key-name",
    nested: { apiSecret: "other", note: `signed with ${apiSecret}` },
    token: "bearer-token-value",
  });
  await logging.close();
  const text = Deno.readTextFileSync(path);
  const everything = `${text}\n${terminal.join("\n")}`;
  for (
    const secret of [webhook, apiSecret, "AKIA-visible-only-by-key-name", "bearer-token-value"]
  ) {
    assert.ok(!everything.includes(secret), `${secret} leaked: ${everything}`);
  }
  const [line] = readLines(path);
  assert.equal(line.message, "webhook POST to [redacted] failed");
  assert.deepEqual(line.error, {
    name: "TypeError",
    message: "error sending request for url ([redacted])",
  });
  assert.equal(line.api_key, "[redacted]");
  assert.deepEqual(line.nested, { apiSecret: "[redacted]", note: "signed with [redacted]" });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("configureLiveLogging rotates the JSON-lines file by size and keeps maxFiles old files", async () => {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "live.json");
  const logging = await configureLiveLogging({
    path,
    strategy: "rot",
    terminal: false,
    rotation: { maxBytes: 4096, maxFiles: 3 },
  });
  const log = liveLogger("engine");
  const total = 400;
  const written = (): number =>
    [...Deno.readDirSync(dir)].reduce(
      (sum, entry) => sum + Deno.statSync(join(dir, entry.name)).size,
      0,
    );
  for (let i = 0; i < total; i++) {
    log.info("tick", { seq: i, pad: "x".repeat(60) });
    // The sink writes when the caller yields (as the live loop does between events): rotation
    // is checked per write, so a file passes maxBytes by at most what one write carries. The
    // write is asynchronous: wait until this burst is in the files (on a loaded machine one
    // yield may not be enough, and the next bursts would join the same write).
    if (i % 5 === 4) {
      const before = written();
      const deadline = Date.now() + 2000;
      do await new Promise((resolve) => setTimeout(resolve, 1)); while (
        written() === before && Date.now() < deadline
      );
    }
  }
  await logging.close();
  const files = [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
  assert.deepEqual(files, ["live.json", "live.json.1", "live.json.2", "live.json.3"]);
  let kept = 0;
  for (const name of files) {
    const size = Deno.statSync(join(dir, name)).size;
    // Rotated before the write that would take it past maxBytes: at most 5 lines of slack.
    assert.ok(size <= 4096 + 5 * 200, `${name} has ${size} bytes`);
    const lines = readLines(join(dir, name));
    kept += lines.length;
  }
  const current = readLines(path);
  assert.equal(current.at(-1)?.seq, total - 1, "the newest line is in the current file");
  const older = readLines(join(dir, "live.json.1"));
  assert.equal(Number(older.at(-1)?.seq) + 1, current[0].seq, "rotation loses no line in between");
  assert.ok(kept < total, "old files beyond maxFiles were deleted");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("configureLiveLogging refuses a rotation that is not positive, saying what is allowed", async () => {
  await assert.rejects(
    () =>
      configureLiveLogging({
        strategy: "x",
        terminal: false,
        rotation: { maxBytes: 10, maxFiles: 0 },
      }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /maxBytes ≥ 1024 and maxFiles ≥ 1, got 10 and 0/.test(error.message),
  );
});

Deno.test("a log call does no file I/O itself: the line reaches the file once the caller yields", async () => {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "live.json");
  const logging = await configureLiveLogging({ path, strategy: "nb", terminal: false });
  liveLogger("engine").info("first");
  const sizeRightAfter = Deno.statSync(path).size;
  await logging.close();
  assert.equal(sizeRightAfter, 0, "the record was only buffered during the call");
  assert.equal(readLines(path)[0].message, "first");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("configureLiveLogging names the log folder it cannot create and the setting to change", async () => {
  const dir = Deno.makeTempDirSync();
  const blocker = join(dir, "not_a_folder");
  Deno.writeTextFileSync(blocker, "");
  await assert.rejects(
    () =>
      configureLiveLogging({ path: join(blocker, "live.json"), strategy: "x", terminal: false }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes(`cannot create the log folder ${blocker}`) &&
      error.message.includes("set live.log_path (or --log-path) to a writable place"),
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("writeLiveLog routes a plain log record to its component's logger", async () => {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "live.json");
  const logging = await configureLiveLogging({
    path,
    strategy: "rt",
    terminal: false,
    level: "debug",
  });
  writeLiveLog({
    level: "warn",
    component: "reconcile",
    message: "order adopted",
    fields: { clientOrderId: "t-9" },
  });
  writeLiveLog({ level: "debug", component: "feed", message: "frame" });
  await logging.close();
  const [first, second] = readLines(path);
  assert.deepEqual(
    [first.level, first.component, first.message, first.clientOrderId],
    ["warn", "reconcile", "order adopted", "t-9"],
  );
  assert.deepEqual([second.level, second.component], ["debug", "feed"]);
  Deno.removeSync(dir, { recursive: true });
});
