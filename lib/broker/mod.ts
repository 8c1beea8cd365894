/**
 * Broker ports: the interfaces venues implement ({@linkcode VenuePort}, {@linkcode MarketStream},
 * {@linkcode ExecutionClient}, {@linkcode HistoricalData}) and the one adapter that turns a
 * Promise-based {@linkcode ExecutionClient} into a {@linkcode VenuePort}; the WebSocket and timer
 * seam every connector's streams run on ({@linkcode StreamSocket}); the keep-alive HTTP/1.1 client
 * their REST transports can send through ({@linkcode Http1Client}); the checked JSON field readers
 * every connector binds to its venue's name ({@linkcode wireFields}); the kline row reading and
 * forward paging their historical downloads share ({@linkcode closedKlinePages}). It may import
 * only `lib/domain` and `lib/events`.
 *
 * @module
 */

export * from "./execution_client.ts";
export * from "./execution_client_port.ts";
export * from "./historical_data.ts";
export * from "./hmac_sha256.ts";
export * from "./http1_client.ts";
export type { Http1Socket } from "./http1_connection.ts";
export * from "./http1_error.ts";
export * from "./http1_fetch.ts";
export * from "./http_transport.ts";
export * from "./kline_pages.ts";
export * from "./market_stream.ts";
export * from "./received_at.ts";
export * from "./request_deadlines.ts";
export * from "./stream_socket.ts";
export * from "./venue_port.ts";
export * from "./wire_fields.ts";
