/**
 * What a backtest's data loop adds for a strategy with models: the models loaded before the
 * session starts, and a runner that, between two inputs, runs the inferences the last input
 * asked for (ONNX Runtime is asynchronous), whose answers the session then schedules at their
 * modelled times. Without models it is `runSync`, unchanged.
 *
 * @module
 */

import { type LoadedModel, loadModels } from "../cortex/mod.ts";
import { type Engine, type RunInput, runSync } from "../engine/mod.ts";
import type { InferenceService, TradingOptions } from "../trader/mod.ts";

/** The strategy's models: the given ones, else loaded (and checked) from its declarations. */
export async function strategyModels(
  options: TradingOptions,
): Promise<ReadonlyMap<string, LoadedModel>> {
  return options.models ??
    await loadModels(options.strategy.models ?? [], {
      owner: options.strategy.name,
      warn: options.warn,
    });
}

/**
 * Feeds `inputs` to `engine` as `runSync` does; with `inference`, awaits its pending runs after
 * each input. `drain` processes the scheduled events left at the end.
 */
export async function runWithModels(
  engine: Engine,
  inputs: Iterable<RunInput>,
  inference: InferenceService | undefined,
  drain: boolean,
): Promise<void> {
  if (inference === undefined) {
    runSync(engine, inputs, { drainScheduled: drain });
    return;
  }
  for (const input of inputs) {
    if (typeof input === "number") engine.advanceTo(input);
    else engine.process(input);
    if (inference.pending !== 0) await inference.flush();
  }
  await inference.flush();
  if (drain) engine.drain();
}
