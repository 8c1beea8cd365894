/**
 * Execution: the order manager (signal → sized, validated, risk-checked orders, brackets),
 * sizers and pre-trade risk. It may import `lib/domain`, `lib/events`, `lib/broker`,
 * `lib/indicators` and `lib/portfolio`.
 *
 * @module
 */

export * from "./oms_ports.ts";
export * from "./order_manager.ts";
export * from "./risk.ts";
export * from "./sizer.ts";
