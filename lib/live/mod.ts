/**
 * The live runtime of Tesser and its operations (`lib/live/ops`: metrics, the ops server with
 * health and control, alerts, logging, supervision). It may import `lib/domain`, `lib/events`,
 * `lib/engine`, `lib/broker`, `lib/config`, `lib/indicators`, `lib/strategies`,
 * `lib/portfolio`, `lib/execution`, `lib/data`, `lib/cortex`, `lib/trader` and `lib/venues`;
 * never `connectors/`.
 *
 * @module
 */

export * from "./ops/mod.ts";
