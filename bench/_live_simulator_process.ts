/**
 * The benches' simulator (bench/_live_simulator_host.ts) in a process of its own, which the
 * bench may pin to another CPU (`taskset`): in a worker of the bench's process, the kernel tends
 * to wake the simulator's thread on the bench's CPU as our request reaches it, and the bench's
 * write call then waits while the simulator handles the order. Commands come one JSON object a
 * line on stdin, answers go out the same way on stdout; the process ends after `stop`, or when
 * stdin closes (the bench ended without one).
 *
 * @module
 */

import { handleCommand, type SimulatorCommand } from "./_live_simulator_host.ts";

const encoder = new TextEncoder();
const reply = (answer: Record<string, unknown>): void => {
  const bytes = encoder.encode(`${JSON.stringify(answer)}\n`);
  for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
};
let pending = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  pending += chunk;
  let newline = pending.indexOf("\n");
  while (newline >= 0) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    newline = pending.indexOf("\n");
    if (line.trim() === "") continue;
    const command = JSON.parse(line) as SimulatorCommand;
    // Trades run while later commands are read; stop ends the process once answered.
    const done = handleCommand(command, reply);
    if (command.kind === "stop") {
      await done;
      Deno.exit(0);
    }
  }
}
// The bench is gone (its end of stdin closed without a stop): so is the venue.
Deno.exit(0);
