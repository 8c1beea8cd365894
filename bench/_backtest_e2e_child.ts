/**
 * Child process of `bench/backtest_e2e.ts`: runs the CLI with the given arguments, then prints
 * its own peak resident set size (VmHWM) to stderr.
 *
 * @module
 */

import { main } from "../cli/main.ts";

const code = await main(Deno.args);
const status = await Deno.readTextFile("/proc/self/status").catch(() => "");
const peak = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
if (peak !== undefined) console.error(`peak RSS ${peak} kB`);
Deno.exit(code);
