/**
 * Execution: the order manager (signal → sized, validated, risk-checked orders, brackets,
 * in-flight tracking, snapshots), client ids, buying power, sizers and pre-trade risk. It may import `lib/domain`, `lib/events`, `lib/broker`,
 * `lib/indicators` and `lib/portfolio`.
 *
 * @module
 */

export * from "./algorithms/mod.ts";
export * from "./buying_power.ts";
export * from "./client_ids.ts";
export * from "./deferred_refusal.ts";
export * from "./oms_ports.ts";
export * from "./oms_snapshot.ts";
export * from "./order_manager.ts";
export * from "./order_tracker.ts";
export * from "./risk.ts";
export * from "./sizer.ts";
