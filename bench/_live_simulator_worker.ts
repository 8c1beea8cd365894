/**
 * The benches' simulator (bench/_live_simulator_host.ts) in a worker of its own: a venue is
 * another machine, and in the bench's own thread its WebSocket writes and order handling would
 * run inside the very window being measured. Commands come as worker messages, answers go back
 * as messages.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { handleCommand, type SimulatorCommand } from "./_live_simulator_host.ts";

self.onmessage = (message: MessageEvent<SimulatorCommand>) =>
  handleCommand(message.data, (answer) => self.postMessage(answer));
