import assert from "node:assert/strict";
import type { AsyncModel, CortexEngine, LoadedModel, SyncModel } from "../../../lib/cortex/mod.ts";
import type { ModelSpec } from "../../../lib/domain/mod.ts";
import { Engine, EventClock } from "../../../lib/engine/mod.ts";
import type { Event, InferenceEvent } from "../../../lib/events/mod.ts";
import { InferenceService } from "../../../lib/trader/mod.ts";

const SPEC: ModelSpec = { id: "m", path: "m.onnx", features: ["a", "b"], window: 2 };

function sumModel(kind: "sync"): SyncModel;
function sumModel(kind: "async", gate?: () => Promise<void>): AsyncModel;
function sumModel(kind: "sync" | "async", gate?: () => Promise<void>): LoadedModel {
  const sum = (input: Float32Array): number[] => [input.reduce((s, v) => s + v, 0)];
  if (kind === "sync") {
    return {
      kind,
      spec: SPEC,
      linear: { path: "m.toml", bias: 0, weights: new Float64Array(4) },
      run: sum,
    };
  }
  return {
    kind,
    spec: SPEC,
    engine: undefined as unknown as CortexEngine,
    run: async (input) => {
      const copy = Float32Array.from(input);
      await gate?.();
      return sum(copy);
    },
  };
}

/** An engine whose timer events push one row each (a stand-in for a strategy's bars). */
function setup(
  model: LoadedModel,
  options: { timing?: "modelled" | "live"; latency?: number } = {},
) {
  const clock = new EventClock();
  const engine = new Engine({ clock });
  const service = new InferenceService(engine, {
    strategy: "S",
    specs: [SPEC],
    models: new Map([["m", model]]),
    timing: options.timing,
    latencyMicros: options.latency,
  });
  const answers: InferenceEvent[] = [];
  const alerts: Event[] = [];
  engine.bus.subscribe("inference", (event) => answers.push(event));
  engine.bus.subscribe("alert", (event) => alerts.push(event));
  engine.bus.subscribe("timer", (event) => service.push("m", [Number(event.tag), 0]));
  const bar = (ts: number): void =>
    engine.process({ kind: "timer", ts, tsRecv: ts, owner: "S", tag: String(ts / 1000) });
  return { engine, service, answers, alerts, bar };
}

Deno.test("a sync model answers at the request time, once the window is full", () => {
  const { answers, bar, service } = setup(sumModel("sync"));
  bar(1000);
  assert.equal(answers.length, 0);
  bar(2000);
  bar(3000);
  assert.deepEqual(answers.map((a) => [a.ts, a.inference.output[0], a.inference.requestedAt]), [
    [2000, 3, 2000],
    [3000, 5, 3000],
  ]);
  assert.equal(service.pending, 0);
  assert.equal(service.stats().runs, 2);
});

Deno.test("an async model in modelled timing answers at request + latency after flush", async () => {
  const { answers, bar, service, engine } = setup(sumModel("async"), { latency: 50 });
  bar(1000);
  bar(2000);
  assert.equal(service.pending, 1);
  assert.equal(answers.length, 0);
  await service.flush();
  assert.equal(service.pending, 0);
  assert.equal(answers.length, 0, "scheduled, not yet due");
  bar(3000);
  await service.flush();
  engine.drain();
  assert.deepEqual(
    answers.map((a) => [a.ts, a.tsRecv, a.inference.output[0], a.inference.requestedAt]),
    [
      [2050, 2050, 3, 2000],
      [3050, 3050, 5, 3000],
    ],
  );
});

Deno.test("modelled timing is the same whatever the model's real speed", async () => {
  const run = async (delayMs: number): Promise<string> => {
    const gate = () => new Promise<void>((resolve) => setTimeout(resolve, delayMs));
    const { answers, bar, service, engine } = setup(sumModel("async", gate), { latency: 7 });
    for (let t = 1; t <= 5; t++) {
      bar(t * 1000);
      await service.flush();
    }
    engine.drain();
    return JSON.stringify(answers);
  };
  assert.equal(await run(0), await run(15));
});

Deno.test("live timing: the answer enters the engine when ready, with its measured latency", async () => {
  let release: () => void = () => {};
  const gate = () => new Promise<void>((resolve) => (release = resolve));
  const { answers, bar, service, engine } = setup(sumModel("async", gate), { timing: "live" });
  bar(1000);
  bar(2000);
  assert.equal(answers.length, 0);
  // The clock moves on while the model works (in live, the wall clock).
  engine.process({ kind: "timer", ts: 2400, tsRecv: 2400, owner: "other", tag: "x" });
  release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(answers.map((a) => [a.ts, a.inference.requestedAt, a.inference.output[0]]), [
    [2400, 2000, 3],
  ]);
  assert.equal(service.stats().lastLatencyMicros, 400);
});

Deno.test("live timing: requests during a run are coalesced into one run on the latest rows", async () => {
  const releases: (() => void)[] = [];
  const gate = () => new Promise<void>((resolve) => releases.push(resolve));
  const { answers, bar, service } = setup(sumModel("async", gate), { timing: "live" });
  bar(1000);
  bar(2000); // starts a run on rows 1, 2
  bar(3000); // in flight: coalesced
  assert.equal(service.stats().coalesced, 1);
  releases.shift()?.();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(answers.length, 1);
  releases.shift()?.();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(answers.map((a) => a.inference.output[0]), [3, 5]);
  assert.equal(service.stats().runs, 2);
});

Deno.test("live timing: an answer whose rows were overwritten in flight is dropped as stale", async () => {
  let release: () => void = () => {};
  // A model that reads its input only after the wait, as a real one may.
  const late: AsyncModel = {
    kind: "async",
    spec: SPEC,
    engine: undefined as unknown as CortexEngine,
    run: async (input) => {
      await new Promise<void>((resolve) => (release = resolve));
      return [input.reduce((s, v) => s + v, 0)];
    },
  };
  const { answers, bar, service } = setup(late, { timing: "live" });
  bar(1000);
  bar(2000);
  for (const t of [3000, 4000, 5000]) bar(t); // slack 2: the third push overwrites the view
  const first = release;
  first();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(service.stats().stale, 1);
  release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(answers.map((a) => a.inference.output[0]), [9], "rows 4 and 5");
});

Deno.test("live timing: a failed run raises one inference-failed alert", async () => {
  const failing: AsyncModel = {
    kind: "async",
    spec: SPEC,
    engine: undefined as unknown as CortexEngine,
    run: () => Promise.reject(new Error("device lost")),
  };
  const { alerts, bar, service } = setup(failing, { timing: "live" });
  bar(1000);
  bar(2000);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(service.stats().failures, 1);
  assert.equal(alerts.length, 1);
  const alert = alerts[0];
  assert.ok(alert.kind === "alert");
  assert.equal(alert.code, "inference-failed");
  assert.match(alert.message, /model m of S failed: device lost/);
});

Deno.test("InferenceService refuses undeclared models, wrong row widths and unloaded models", () => {
  const { service } = setup(sumModel("sync"));
  assert.throws(
    () => service.push("other", [1, 2]),
    /pushed features for model "other", which it does not declare \(declared: m\)/,
  );
  assert.throws(() => service.push("m", [1]), /pushed 1 features for model "m", which takes 2/);
  assert.throws(
    () =>
      new InferenceService(new Engine({ clock: new EventClock() }), {
        strategy: "S",
        specs: [SPEC],
        models: new Map(),
      }),
    /strategy S declares model "m" \(m\.onnx\), which was not loaded/,
  );
});
