/**
 * Child process of `bench/backtest_e2e.ts`: runs the CLI with the given arguments, then prints
 * its own peak resident set size (VmHWM) and CPU time (user + system, all threads, and the main
 * thread's alone) to stderr: on a shared machine CPU time moves less than wall time, and the
 * main thread's CPU time is the run's critical path when decoding and encoding run in workers.
 *
 * @module
 */

import { main } from "../cli/main.ts";

const code = await main(Deno.args);
const status = await Deno.readTextFile("/proc/self/status").catch(() => "");
const peak = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
if (peak !== undefined) console.error(`peak RSS ${peak} kB`);
const all = await cpuTicks("/proc/self/stat");
if (Number.isFinite(all)) console.error(`cpu ${(all / 100).toFixed(2)} s`);
const mainThread = await cpuTicks(`/proc/self/task/${Deno.pid}/stat`);
if (Number.isFinite(mainThread)) {
  console.error(`main thread cpu ${(mainThread / 100).toFixed(2)} s`);
}
Deno.exit(code);

// Fields 14 and 15 of a stat file (after the parenthesised name): utime, stime in ticks.
async function cpuTicks(path: string): Promise<number> {
  const stat = await Deno.readTextFile(path).catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}
