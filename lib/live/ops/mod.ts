/**
 * Operations of a live process: Prometheus metrics ({@linkcode LiveMetrics}), the ops HTTP
 * server with `/metrics`, `/health` and the token-guarded control endpoint
 * ({@linkcode startOpsServer}), webhook alerts ({@linkcode Alerter}), JSON-lines logging with
 * rotation ({@linkcode configureLiveLogging}), task supervision with backoff and a circuit
 * ({@linkcode Supervisor}), and the client side of `tesser live control`. Part of `lib/live`: it
 * imports only `lib/domain`, `lib/engine` and `lib/events`.
 *
 * @module
 */

export * from "./alert_webhook.ts";
export * from "./alerts.ts";
export * from "./control.ts";
export * from "./control_client.ts";
export * from "./control_file.ts";
export * from "./health.ts";
export * from "./listen_addr.ts";
export * from "./logging.ts";
export * from "./metrics.ts";
export * from "./order_outcomes.ts";
export * from "./redact.ts";
export * from "./server.ts";
export * from "./supervisor.ts";
