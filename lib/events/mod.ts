/**
 * Events of Tesser: the closed event union (and the builders of a connector's link events,
 * {@linkcode connectivityEvent}), the synchronous {@linkcode EventBus}, and the async queues of
 * live runners (the bounded queue and the two-lane {@linkcode Inbox}). It may import only
 * `lib/domain`.
 *
 * @module
 */

export * from "./bus.ts";
export * from "./channel.ts";
export * from "./event.ts";
export * from "./fifo.ts";
export * from "./inbox.ts";
export * from "./link_events.ts";
export * from "./market_lane.ts";
export * from "./queue.ts";
export * from "./reconciliation.ts";
