/**
 * A child process for the interrupt tests: registers a stop that never finishes (a slow
 * clean stop), holds a tracked temp folder with a file in it, says "ready", then waits at
 * most 20 s. Run: `deno run -A tests/cli/_interrupt_child.ts DIR`.
 *
 * @module
 */

import { handleInterrupts, onInterrupt } from "../../cli/interrupt.ts";
import { tempPathFor } from "../../lib/data/mod.ts";

const dir = Deno.args[0];
if (dir === undefined) throw new Error("usage: _interrupt_child.ts DIR");
handleInterrupts();
const temp = tempPathFor(`${dir}/out`, { hidden: true });
Deno.mkdirSync(temp);
Deno.writeTextFileSync(`${temp}/report.json`, "{}");
onInterrupt(() => console.log("stopping slowly"));
console.log("ready");
await new Promise((resolve) => setTimeout(resolve, 20_000));
console.log("not interrupted");
