/**
 * What `live run --record` relies on: the session's end line (nothing recorded after it, later
 * frames stamped after it) and sockets the tap leaves alone (private streams).
 */

import assert from "node:assert/strict";
import { Recorder } from "../../../connectors/recording/recorder.ts";
import { collect, FakeSocket } from "./_tap_fixtures.ts";
import { tapSocket } from "../../../connectors/recording/tap.ts";

const T0 = Date.UTC(2026, 11, 2, 5, 0, 0) * 1000;

Deno.test("Recorder.endSession writes #timer @live/end last, records nothing after it and stamps later frames after it", async () => {
  const { sink, lines } = collect();
  // A clock that stands still: the frame after the end is in the same microsecond.
  const recorder = new Recorder({ sink, clock: () => T0 });
  recorder.frame('{"a":1}');
  const end = recorder.endSession();
  assert.equal(end, T0);
  assert.equal(recorder.endSession(), T0, "a second call returns the first end");
  const after = recorder.frame('{"b":2}');
  assert.ok(after > end, `a frame after the end is stamped after it (${after} vs ${end})`);
  recorder.timer("strategy/quote 1");
  await recorder.close();
  assert.deepEqual(lines, [`${T0}000 {"a":1}`, `${T0}000 #timer @live/end`]);
  assert.equal(recorder.stats.frames, 1);
});

Deno.test("tapSocket records only the sockets its filter accepts (a private stream is opened untouched)", async () => {
  const { sink, lines } = collect();
  let t = T0;
  const recorder = new Recorder({ sink, clock: () => t++ });
  const opened: FakeSocket[] = [];
  const factory = tapSocket(
    () => {
      const socket = new FakeSocket();
      opened.push(socket);
      return socket;
    },
    recorder,
    { binaryFrames: 0 },
    (url) => !url.includes("/private"),
  );
  const seen: string[] = [];
  const pub = factory("ws://127.0.0.1:1/v5/public/linear");
  const priv = factory("ws://127.0.0.1:1/v5/private");
  pub.onmessage = (event) => seen.push(`public ${event.data}`);
  priv.onmessage = (event) => seen.push(`private ${event.data}`);
  assert.equal(priv, opened[1], "the private socket is the factory's own");
  opened[0].receive('{"topic":"orderbook.50.BTCUSDT"}');
  opened[1].receive('{"topic":"order"}');
  await recorder.close();
  assert.deepEqual(seen, ['public {"topic":"orderbook.50.BTCUSDT"}', 'private {"topic":"order"}']);
  assert.deepEqual(lines, [`${T0}000 {"topic":"orderbook.50.BTCUSDT"}`]);
});
