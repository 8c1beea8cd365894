import assert from "node:assert/strict";
import { ExchangeError } from "../../../lib/domain/mod.ts";
import { ManualClock } from "../../../lib/engine/mod.ts";
import type { ConnectivityEvent, Event } from "../../../lib/events/mod.ts";
import type { PrivateChannel } from "../../../lib/live/live_execution.ts";
import { supervisedChannel } from "../../../lib/live/supervised_channel.ts";
import { Supervisor } from "../../../lib/live/ops/supervisor.ts";
import { recordingLog } from "./ops/_log.ts";

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const link = (state: "up" | "down"): ConnectivityEvent => ({
  kind: "connectivity",
  ts: 0,
  tsRecv: 0,
  channel: "execution",
  venue: "bybit",
  state,
  reason: state === "down" ? "socket closed" : "reconnected and caught up",
});

/** Channels whose starts follow `script`; each remembers its sink. */
function channels(script: readonly ("ok" | Error)[]) {
  const made: { sink: (event: Event) => void; stopped: boolean }[] = [];
  const make = (sink: (event: Event) => void): PrivateChannel => {
    const entry = { sink, stopped: false };
    const outcome = script[Math.min(made.length, script.length - 1)];
    made.push(entry);
    return {
      start: () => outcome === "ok" ? Promise.resolve() : Promise.reject(outcome),
      stop: () => {
        entry.stopped = true;
        return Promise.resolve();
      },
    };
  };
  return { make, made };
}

Deno.test("supervisedChannel: the channel runs as a task; its reconnects are up/down for the supervisor, its events reach the sink", async () => {
  const clock = new ManualClock(0);
  const supervisor = new Supervisor({ clock, sleeper: clock, log: recordingLog().log });
  const { make, made } = channels(["ok"]);
  const delivered: Event[] = [];
  const links: ConnectivityEvent[] = [];
  const channel = supervisedChannel(make, {
    supervisor,
    name: "execution:bybit",
    onConnectivity: (event) => links.push(event),
  })((event) => delivered.push(event));
  await channel.start();
  assert.equal(supervisor.status()[0].state, "up");
  made[0].sink(link("down"));
  assert.equal(supervisor.status()[0].state, "down");
  made[0].sink(link("up"));
  assert.equal(supervisor.status()[0].state, "up");
  assert.equal(supervisor.status()[0].recentFailures, 0);
  assert.deepEqual(delivered.map((e) => e.kind), ["connectivity", "connectivity"]);
  assert.equal(links.length, 2);
  await channel.stop();
  assert.equal(made[0].stopped, true);
  assert.equal(supervisor.status()[0].state, "stopped");
  assert.equal(made.length, 1, "never restarted");
  await supervisor.stop();
});

Deno.test("supervisedChannel: a channel that cannot start at all fails the session's start with its error", async () => {
  const clock = new ManualClock(0);
  const supervisor = new Supervisor({ clock, sleeper: clock, log: recordingLog().log });
  const refused = new ExchangeError("auth", "private stream auth refused: invalid key", {
    venue: "bybit",
  });
  const { make, made } = channels([refused]);
  const channel = supervisedChannel(make, { supervisor, name: "execution:bybit" })(() => {});
  await assert.rejects(channel.start(), /private stream auth refused: invalid key/);
  assert.equal(made[0].stopped, true);
  await channel.stop();
  await supervisor.stop();
});

Deno.test("supervisedChannel: a channel that stays down counts a failed restart per backoff and opens the circuit", async () => {
  const clock = new ManualClock(0);
  const opened: string[] = [];
  const supervisor = new Supervisor({
    clock,
    sleeper: clock,
    random: () => 0.5,
    maxFailures: 3,
    onCircuitOpen: (status) => opened.push(status.name),
    log: recordingLog().log,
  });
  const { make, made } = channels(["ok"]);
  const channel = supervisedChannel(make, { supervisor, name: "execution:bybit" })(() => {});
  await channel.start();
  made[0].sink(link("down"));
  for (const ms of [100, 200, 400]) {
    clock.advance(ms * 1000);
    await settle();
  }
  assert.deepEqual(opened, ["execution:bybit"]);
  assert.equal(supervisor.status()[0].state, "circuit-open");
  await settle();
  assert.equal(made[0].stopped, true, "the run was aborted: the channel is stopped");
  await channel.stop();
  await supervisor.stop();
});

Deno.test("supervisedChannel: the runtime's resume reaches the channel; a start retried after a failure catches up from the last event delivered", async () => {
  const clock = new ManualClock(0);
  const supervisor = new Supervisor({
    clock,
    sleeper: clock,
    random: () => 0.5,
    log: recordingLog().log,
  });
  const resumes: ({ readonly sinceMs: number } | undefined)[] = [];
  let makes = 0;
  const make = (sink: (event: Event) => void, resume?: { readonly sinceMs: number }) => {
    resumes.push(resume);
    const attempt = makes++;
    return {
      start: () => {
        // The first attempt delivers a report and then fails before it is up.
        if (attempt > 0) return Promise.resolve();
        sink({ ...link("down"), tsRecv: 7_000_000 });
        return Promise.reject(new Error("catch-up failed"));
      },
      stop: () => Promise.resolve(),
    };
  };
  const channel = supervisedChannel(make, { supervisor, name: "execution:bybit" })(
    () => {},
    { sinceMs: 1_000 },
  );
  await assert.rejects(channel.start(), /catch-up failed/);
  await settle(); // the supervisor arms its backoff: 200 ms (the down took the first step)
  clock.advance(200_000);
  await settle();
  assert.deepEqual(resumes, [{ sinceMs: 1_000 }, { sinceMs: 7_000 }]);
  assert.equal(supervisor.status()[0].state, "up");
  await channel.stop();
  await supervisor.stop();
});
