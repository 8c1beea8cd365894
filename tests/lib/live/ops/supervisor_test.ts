import assert from "node:assert/strict";
import { ManualClock } from "../../../../lib/engine/mod.ts";
import type { OpsAlert } from "../../../../lib/live/ops/alerts.ts";
import { LiveMetrics } from "../../../../lib/live/ops/metrics.ts";
import {
  type SupervisedTaskContext,
  type SupervisedTaskStatus,
  Supervisor,
  type SupervisorOptions,
} from "../../../../lib/live/ops/supervisor.ts";
import { recordingLog } from "./_log.ts";

/** Lets the supervisor's promise chains run (no real time passes on the ManualClock). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function setUp(extra: Partial<SupervisorOptions> = {}) {
  const clock = new ManualClock(0);
  const alerts: OpsAlert[] = [];
  const opened: SupervisedTaskStatus[] = [];
  const metrics = new LiveMetrics();
  const supervisor = new Supervisor({
    clock,
    sleeper: clock,
    random: () => 0.5, // no jitter: delays are exactly base × 2^n
    alerter: { notify: (alert) => alerts.push(alert) },
    onCircuitOpen: (status) => opened.push(status),
    metrics,
    log: recordingLog().log,
    ...extra,
  });
  return { clock, supervisor, alerts, opened, metrics };
}

/** A task whose runs are scripted: each run calls `script(context, runIndex)`. */
function scripted(
  script: (context: SupervisedTaskContext, run: number) => Promise<void>,
): {
  runs: () => number;
  task: { name: string; run: (context: SupervisedTaskContext) => Promise<void> };
} {
  let runs = 0;
  return {
    runs: () => runs,
    task: { name: "market:bybit", run: (context) => script(context, runs++) },
  };
}

const untilAborted = (context: SupervisedTaskContext): Promise<void> =>
  new Promise((resolve) =>
    context.signal.addEventListener("abort", () => resolve(), { once: true })
  );

Deno.test("Supervisor.backoffMs doubles from 100 ms, stays within ±25% jitter and never passes 60 s", () => {
  const fixed = (r: number) =>
    new Supervisor({ clock: new ManualClock(), sleeper: new ManualClock(), random: () => r });
  const mid = fixed(0.5);
  assert.deepEqual([0, 1, 2, 3, 9].map((n) => mid.backoffMs(n)), [100, 200, 400, 800, 51_200]);
  assert.equal(mid.backoffMs(10), 60_000);
  assert.equal(mid.backoffMs(500), 60_000);
  assert.equal(fixed(0).backoffMs(0), 75);
  assert.equal(fixed(0.999999).backoffMs(0), 124.99995);
  assert.equal(fixed(0.999999).backoffMs(9), 60_000, "jitter above the cap is cut to the cap");
  assert.equal(fixed(0).backoffMs(12), 45_000);
});

Deno.test("Supervisor restarts a failing task after each backoff and not before", async () => {
  const { clock, supervisor, metrics } = setUp();
  const { runs, task } = scripted(() => Promise.reject(new Error("connect ECONNREFUSED")));
  supervisor.start(task);
  await settle();
  assert.equal(runs(), 1);
  assert.equal(supervisor.status()[0].state, "down");
  assert.equal(supervisor.status()[0].lastError, "connect ECONNREFUSED");
  clock.advance(99_999);
  await settle();
  assert.equal(runs(), 1, "not before 100 ms");
  clock.advance(1);
  await settle();
  assert.equal(runs(), 2);
  clock.advance(199_999);
  await settle();
  assert.equal(runs(), 2, "the second backoff is 200 ms");
  clock.advance(1);
  await settle();
  assert.equal(runs(), 3);
  assert.match(await metrics.text(), /tesser_supervisor_restarts_total\{task="market:bybit"\} 2/);
  await supervisor.stop();
});

Deno.test("Supervisor opens the circuit after 10 failed restarts in 10 minutes: alert, callback, no more runs", async () => {
  const { clock, supervisor, alerts, opened, metrics } = setUp();
  const { runs, task } = scripted(() => Promise.reject(new Error("HTTP 503")));
  supervisor.start(task);
  await settle();
  for (let i = 0; i < 20; i++) {
    clock.advance(60_000_000);
    await settle();
  }
  assert.equal(runs(), 10, "the first run and nine restarts, each failing");
  const [status] = supervisor.status();
  assert.equal(status.state, "circuit-open");
  assert.equal(opened[0]?.recentFailures, 10);
  assert.equal(supervisor.circuitOpen, true);
  assert.equal(opened.length, 1);
  assert.equal(opened[0].name, "market:bybit");
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0].code, "circuit-open");
  assert.equal(alerts[0].severity, "critical");
  assert.match(
    alerts[0].text,
    /market:bybit: 10 failed restarts within 10 min \(last: HTTP 503\); circuit open, trading is reducing-only/,
  );
  assert.match(await metrics.text(), /tesser_supervisor_circuit_open\{task="market:bybit"\} 1/);
  clock.advance(3_600_000_000);
  await settle();
  assert.equal(runs(), 10, "the process stays up, the task is not restarted");
  await supervisor.stop();
});

Deno.test("Supervisor.resetCircuit restarts a task whose circuit opened, from the base backoff", async () => {
  const { clock, supervisor, metrics } = setUp({ maxFailures: 2 });
  let healthy = false;
  const { runs, task } = scripted((context) => {
    if (!healthy) return Promise.reject(new Error("down"));
    context.up();
    return untilAborted(context);
  });
  supervisor.start(task);
  await settle();
  clock.advance(100_000);
  await settle();
  assert.equal(supervisor.status()[0].state, "circuit-open");
  assert.equal(supervisor.resetCircuit("nope"), false);
  healthy = true;
  assert.equal(supervisor.resetCircuit("market:bybit"), true);
  await settle();
  assert.equal(runs(), 3);
  assert.equal(supervisor.status()[0].state, "up");
  assert.match(await metrics.text(), /tesser_supervisor_circuit_open\{task="market:bybit"\} 0/);
  await supervisor.stop();
});

Deno.test("Supervisor: a disconnect that reconnects within its backoff is not a failure", async () => {
  const { clock, supervisor, opened } = setUp({ maxFailures: 1 });
  // The task drops its connection (its run ends) every time it has been up a while; each
  // restart comes straight back up.
  const { runs, task } = scripted((context) => {
    context.up();
    return new Promise((resolve) => setTimeout(resolve, 0));
  });
  supervisor.start(task);
  for (let i = 0; i < 30; i++) {
    await settle();
    clock.advance(60_000_000);
  }
  await settle();
  assert.ok(runs() >= 20, `restarted each time (${runs()} runs)`);
  assert.equal(opened.length, 0, "even with maxFailures 1, no circuit");
  assert.equal(supervisor.status()[0].recentFailures, 0);
  await supervisor.stop();
});

Deno.test("Supervisor: a self-reconnecting task back up within its backoff has no failure; one that stays down does", async () => {
  const { clock, supervisor, opened, alerts } = setUp({ maxFailures: 3 });
  let context: SupervisedTaskContext | undefined;
  const { runs, task } = scripted((given) => {
    context = given;
    given.up();
    return untilAborted(given);
  });
  supervisor.start(task);
  await settle();
  const ctx = (): SupervisedTaskContext => {
    if (context === undefined) throw new Error("not started");
    return context;
  };
  ctx().down("pong deadline missed");
  assert.equal(supervisor.status()[0].state, "down");
  clock.advance(90_000); // within the 100 ms backoff
  ctx().up();
  await settle();
  clock.advance(1_000_000);
  await settle();
  assert.equal(supervisor.status()[0].recentFailures, 0, "back within its backoff: no failure");
  ctx().down("socket closed"); // attempt 1 now: 200 ms, then 400 ms, then 800 ms
  clock.advance(200_000);
  await settle();
  assert.equal(supervisor.status()[0].recentFailures, 1, "one backoff passed while down");
  clock.advance(400_000);
  await settle();
  assert.equal(supervisor.status()[0].recentFailures, 2);
  clock.advance(800_000);
  await settle();
  assert.equal(supervisor.status()[0].state, "circuit-open");
  assert.equal(opened.length, 1);
  assert.equal(alerts.length, 1);
  assert.equal(runs(), 1, "the run was aborted, not restarted");
  await supervisor.stop();
});

Deno.test("Supervisor: failures spread beyond the 10-minute window do not open the circuit", async () => {
  const { clock, supervisor, opened } = setUp();
  // Fails 9 times (one restart a minute), then stays up for more than 10 minutes.
  let context: SupervisedTaskContext | undefined;
  const { task } = scripted((given, run) => {
    if (run < 9) return Promise.reject(new Error(`fail ${run}`));
    context = given;
    given.up();
    return untilAborted(given);
  });
  supervisor.start(task);
  for (let i = 0; i < 20; i++) {
    await settle();
    clock.advance(60_000_000);
  }
  await settle();
  assert.equal(supervisor.status()[0].state, "up");
  assert.equal(supervisor.status()[0].recentFailures, 0, "the nine failures left the window");
  context?.down("lost");
  clock.advance(100_000); // long up: the backoff starts again from 100 ms
  await settle();
  const [status] = supervisor.status();
  assert.equal(status.state, "down");
  assert.equal(status.recentFailures, 1, "a tenth failure, but the first in its window");
  assert.equal(opened.length, 0);
  await supervisor.stop();
});

Deno.test("Supervisor.stop aborts running tasks and restarts nothing afterwards", async () => {
  const { clock, supervisor } = setUp();
  const { runs, task } = scripted((context) => {
    context.up();
    return untilAborted(context);
  });
  supervisor.start(task);
  await settle();
  await supervisor.stop();
  assert.equal(supervisor.status()[0].state, "stopped");
  clock.advance(600_000_000);
  await settle();
  assert.equal(runs(), 1);
  assert.throws(() => supervisor.start({ ...task, name: "other" }), /already stopped/);
});

Deno.test("Supervisor refuses a second task of the same name", async () => {
  const { supervisor } = setUp();
  const { task } = scripted((context) => untilAborted(context));
  supervisor.start(task);
  assert.throws(() => supervisor.start(task), /a task named "market:bybit" is already supervised/);
  await supervisor.stop();
});

Deno.test("Supervisor.resetCircuit while an aborted run still winds down starts one loop, not two", async () => {
  const { clock, supervisor } = setUp({ maxFailures: 1 });
  // The first run ignores its abort for a while (a socket close that takes time).
  let finishSlowRun: () => void = () => {};
  let healthy = false;
  const { runs, task } = scripted((context, run) => {
    if (run === 0) {
      context.up();
      context.down("lost");
      return new Promise<void>((resolve) => finishSlowRun = resolve);
    }
    if (healthy) {
      context.up();
      return untilAborted(context);
    }
    return Promise.reject(new Error("still down"));
  });
  supervisor.start(task);
  await settle();
  clock.advance(100_000); // the grace backoff passes: one failure, circuit open (maxFailures 1)
  await settle();
  assert.equal(supervisor.status()[0].state, "circuit-open");
  healthy = true;
  assert.equal(supervisor.resetCircuit("market:bybit"), true);
  await settle();
  assert.equal(runs(), 2);
  finishSlowRun(); // the old run ends now: its loop must not restart the task a second time
  await settle();
  clock.advance(60_000_000);
  await settle();
  assert.equal(runs(), 2, "only the reset's loop runs the task");
  assert.equal(supervisor.status()[0].state, "up");
  await supervisor.stop();
});

Deno.test("Supervisor.stop gives up on a task that ignores its abort after the deadline", async () => {
  const { supervisor } = setUp();
  let release: () => void = () => {};
  supervisor.start({
    name: "stubborn",
    run: (context) => {
      context.up();
      return new Promise<void>((resolve) => release = resolve);
    },
  });
  await settle();
  const started = performance.now();
  const ended = await supervisor.stop(50);
  assert.ok(performance.now() - started < 2_000, "stop returned near its deadline");
  assert.deepEqual(ended, { stopped: [], stuck: ["stubborn"] });
  release();
  await settle();
});
