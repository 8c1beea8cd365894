import assert from "node:assert/strict";
import { ManualClock } from "../../../../lib/engine/mod.ts";
import { type SupervisedTaskContext, Supervisor } from "../../../../lib/live/ops/supervisor.ts";
import { recordingLog } from "./_log.ts";

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const untilAborted = (context: SupervisedTaskContext): Promise<void> =>
  new Promise((resolve) =>
    context.signal.addEventListener("abort", () => resolve(), { once: true })
  );

Deno.test("Supervisor.stopTask ends one task for good, even while it waits out a backoff; the others go on", async () => {
  const clock = new ManualClock(0);
  const supervisor = new Supervisor({ clock, sleeper: clock, log: recordingLog().log });
  let failing = 0;
  supervisor.start({
    name: "feed",
    run: () => {
      failing++;
      return Promise.reject(new Error("refused"));
    },
  });
  supervisor.start({
    name: "channel",
    run: (context) => {
      context.up();
      return untilAborted(context);
    },
  });
  await settle();
  assert.equal(supervisor.status()[0].state, "down", "waiting out its backoff");
  assert.equal(await supervisor.stopTask("feed", 1000), true);
  clock.advance(10_000_000);
  await settle();
  assert.equal(failing, 1, "never restarted");
  assert.deepEqual(supervisor.status().map((t) => t.state), ["stopped", "up"]);
  assert.equal(await supervisor.stopTask("nothing"), false);
  await supervisor.stop();
});

Deno.test("Supervisor: a self-reconnecting task down before it was ever up counts its backoffs; the reconnect allowance is added to each", async () => {
  const clock = new ManualClock(0);
  const supervisor = new Supervisor({
    clock,
    sleeper: clock,
    random: () => 0.5,
    maxFailures: 10,
    reconnectAllowanceMs: 1000,
    log: recordingLog().log,
  });
  let context: SupervisedTaskContext | undefined;
  supervisor.start({
    name: "feed",
    run: (given) => {
      context = given;
      return untilAborted(given);
    },
  });
  await settle();
  context?.down("first connect refused");
  assert.equal(supervisor.status()[0].state, "down");
  clock.advance(1_000_000); // 100 ms backoff + 1 s allowance not over yet
  await settle();
  assert.equal(supervisor.status()[0].recentFailures, 0);
  clock.advance(100_000);
  await settle();
  assert.equal(supervisor.status()[0].recentFailures, 1, "one backoff and its allowance passed");
  clock.advance(500_000); // within the next (200 ms + 1 s)
  context?.up();
  await settle();
  assert.equal(supervisor.status()[0].state, "up");
  assert.equal(supervisor.status()[0].recentFailures, 1);
  await supervisor.stop();
});
