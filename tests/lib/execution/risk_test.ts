import assert from "node:assert/strict";
import { PreTradeRisk } from "../../../lib/execution/mod.ts";

Deno.test("a drawdown limit of 0 is refused: it would trip at the first mark", () => {
  assert.throws(() => new PreTradeRisk({ maxDrawdown: 0 }), /maxDrawdown must be above 0/);
});
