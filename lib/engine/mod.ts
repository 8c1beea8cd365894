/**
 * The engine core: injected clocks, the scheduler of future events, the synchronous
 * settle-until-quiescent {@linkcode Engine}, and the sync/async runners. It may import only
 * `lib/domain` and `lib/events`.
 *
 * @module
 */

export * from "./clock.ts";
export * from "./engine.ts";
export * from "./runner.ts";
export * from "./scheduler.ts";
export * from "./time_queue.ts";
