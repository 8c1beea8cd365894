import assert from "node:assert/strict";
import { FeatureBuffer } from "../../../lib/cortex/mod.ts";

Deno.test("FeatureBuffer.window gives the last rows, oldest first, across many wraps", () => {
  const buffer = new FeatureBuffer({ features: 2, window: 3, slack: 2 });
  for (let r = 0; r < 23; r++) {
    buffer.push([r, 100 + r]);
    if (r < 2) {
      assert.equal(buffer.ready, false);
      continue;
    }
    assert.deepEqual(Array.from(buffer.window()), [r - 2, 98 + r, r - 1, 99 + r, r, 100 + r]);
  }
  assert.equal(buffer.count, 23);
});

Deno.test("FeatureBuffer.window allocates nothing: the same start gives the same view object", () => {
  const buffer = new FeatureBuffer({ features: 1, window: 2, slack: 1 });
  const seen = new Set<Float32Array>();
  for (let r = 0; r < 20; r++) {
    buffer.push([r]);
    if (buffer.ready) seen.add(buffer.window());
  }
  // capacity = window + slack = 3 possible starts, each view made once.
  assert.equal(seen.size, 3);
  for (const view of seen) assert.equal(view.length, 2);
});

Deno.test("FeatureBuffer: a view stays valid for `slack` more pushes, not one more", () => {
  const buffer = new FeatureBuffer({ features: 1, window: 2, slack: 2 });
  for (const v of [1, 2]) buffer.push([v]);
  const view = buffer.window();
  buffer.push([3]);
  buffer.push([4]);
  assert.deepEqual(Array.from(view), [1, 2]);
  buffer.push([5]);
  assert.notDeepEqual(Array.from(view), [1, 2]);
});

Deno.test("FeatureBuffer stores float32 and clear() starts over", () => {
  const buffer = new FeatureBuffer({ features: 1, window: 1 });
  buffer.push([0.1]);
  assert.equal(buffer.window()[0], Math.fround(0.1));
  buffer.clear();
  assert.equal(buffer.ready, false);
  assert.throws(() => buffer.window(), /0 of 1 rows pushed so far/);
});

Deno.test("FeatureBuffer refuses a row of the wrong width and bad sizes", () => {
  const buffer = new FeatureBuffer({ features: 3, window: 2 });
  assert.throws(() => buffer.push([1, 2]), /expected 3 values, got 2/);
  assert.throws(
    () => new FeatureBuffer({ features: 0, window: 1 }),
    /features must be an integer ≥ 1/,
  );
  assert.throws(() => new FeatureBuffer({ features: 1, window: 1.5 }), /window must be/);
  assert.throws(() => new FeatureBuffer({ features: 1, window: 1, slack: -1 }), /slack must be/);
});
