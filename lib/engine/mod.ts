/**
 * The engine core: injected clocks, the scheduler of future events, the synchronous
 * settle-until-quiescent {@linkcode Engine}, the sync/async runners, and the wall-clock live
 * runner whose timers fire on time. It may import only `lib/domain` and `lib/events`.
 *
 * @module
 */

export * from "./clock.ts";
export * from "./engine.ts";
export * from "./live_runner.ts";
export * from "./manual_clock.ts";
export * from "./runner.ts";
export * from "./scheduler.ts";
export * from "./sleeper.ts";
export * from "./time_queue.ts";
