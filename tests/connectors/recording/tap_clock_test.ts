/**
 * One clock for live and replay: whatever a connector derives from a recorded item (a frame, a
 * connection's open or close, a REST body) must carry the time the recording gave that item,
 * because a replay stamps it so. A second reading of the clock a few awaits later can fall in
 * another millisecond, and the session's client-id epoch and its fills moved with it (the
 * Binance paper record → replay test found it).
 */

import assert from "node:assert/strict";
import { receiveTimeMs, RECORDED_RECEIVE_HEADER } from "../../../lib/broker/mod.ts";
import { Recorder } from "../../../connectors/recording/recorder.ts";
import { collect, FakeSocket } from "./_tap_fixtures.ts";
import { tapFetch, tapSocket, tapTimers } from "../../../connectors/recording/tap.ts";

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0) * 1000;

/** A recorder whose clock moves 1.5 ms per reading, and a wall clock far from it. */
function setup() {
  const { sink, lines } = collect();
  let t = T0;
  const recorder = new Recorder({ sink, clock: () => (t += 1500) });
  const timers = tapTimers({
    setTimeout,
    clearTimeout,
    now: () => 1,
    random: Math.random,
  }, recorder);
  return { recorder, lines, timers };
}

Deno.test("a tapped socket's open and close are handled on the recorded clock (a reconnect's reset carries its #open/#close time)", async () => {
  const { recorder, lines, timers } = setup();
  const inner = new FakeSocket();
  const socket = tapSocket(() => inner, recorder)("ws://127.0.0.1:1/public");
  const seen: number[] = [];
  socket.onopen = () => seen.push(timers.now());
  socket.onclose = () => seen.push(timers.now());
  inner.onopen?.(new Event("open"));
  inner.onclose?.(new CloseEvent("close"));
  assert.equal(timers.now(), 1, "outside a handler the clock is the wall clock");
  await recorder.close();
  const times = lines.map((line) => Number(line.split(" ")[0]) / 1e6);
  assert.deepEqual(lines.map((line) => line.split(" ")[1]), ["#open", "#close"]);
  assert.deepEqual(seen, times);
});

Deno.test("tapFetch hands on the body with the receive time it recorded, and receiveTimeMs reads it", async () => {
  const { recorder, lines } = setup();
  const fetch = tapFetch(
    () => Promise.resolve(new Response('{"lastUpdateId":7}', { headers: { "X-A": "b" } })),
    recorder,
  );
  const response = await fetch("http://127.0.0.1:1/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
  assert.equal(await response.text(), '{"lastUpdateId":7}');
  assert.equal(response.headers.get("X-A"), "b", "the venue's headers are kept");
  const received = receiveTimeMs(response.headers, () => 1);
  await recorder.close();
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^\d+ #rest GET \/fapi\/v1\/depth\?symbol=BTCUSDT&limit=1000 /);
  assert.equal(received, Number(lines[0].split(" ")[0]) / 1e6);
  assert.ok(response.headers.has(RECORDED_RECEIVE_HEADER));
});

Deno.test("receiveTimeMs without a recording (or with a garbled stamp) reads the clock", () => {
  assert.equal(receiveTimeMs(new Headers(), () => 42), 42);
  assert.equal(receiveTimeMs(new Headers({ [RECORDED_RECEIVE_HEADER]: "x" }), () => 42), 42);
});
