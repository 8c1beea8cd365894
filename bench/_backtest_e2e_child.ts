/**
 * Child process of `bench/backtest_e2e.ts`: runs the CLI with the given arguments, then prints
 * its own peak resident set size (VmHWM) and CPU time (user + system, all threads) to stderr:
 * on a shared machine CPU time moves less than wall time.
 *
 * @module
 */

import { main } from "../cli/main.ts";

const code = await main(Deno.args);
const status = await Deno.readTextFile("/proc/self/status").catch(() => "");
const peak = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
if (peak !== undefined) console.error(`peak RSS ${peak} kB`);
// Fields 14 and 15 of /proc/self/stat (after the parenthesised name): utime, stime in ticks.
const stat = await Deno.readTextFile("/proc/self/stat").catch(() => "");
const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
const ticks = Number(fields[11]) + Number(fields[12]);
if (Number.isFinite(ticks)) console.error(`cpu ${(ticks / 100).toFixed(2)} s`);
Deno.exit(code);
