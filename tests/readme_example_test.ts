// The README shows the example user strategy and its test: they must be the files as they are.

import assert from "node:assert/strict";

const root = new URL("..", import.meta.url);
const readme = await Deno.readTextFile(new URL("README.md", root));
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

Deno.test("the README shows examples/custom_strategy/my_strategy.ts as it is (after its module doc)", async () => {
  const source = await Deno.readTextFile(new URL("examples/custom_strategy/my_strategy.ts", root));
  const code = source.slice(source.indexOf("*/\n") + 3).trimStart();
  assert.ok(blocks.includes(code), "README lost or changed the MomentumBurst block");
});

Deno.test("the README shows examples/custom_strategy/my_strategy_test.ts as it is", async () => {
  const source = await Deno.readTextFile(
    new URL("examples/custom_strategy/my_strategy_test.ts", root),
  );
  assert.ok(blocks.includes(source), "README lost or changed the MomentumBurst test block");
});
