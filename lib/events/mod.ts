/**
 * Events of Tesser: the closed event union, the synchronous {@linkcode EventBus}, and the
 * bounded async queue used by live runners. It may import only `lib/domain`.
 *
 * @module
 */

export * from "./bus.ts";
export * from "./event.ts";
export * from "./queue.ts";
