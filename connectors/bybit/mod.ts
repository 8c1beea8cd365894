/**
 * Bybit v5 connector, category linear (USDT perpetuals): signed REST order entry and account
 * queries (`BybitExecutionClient`, an `ExecutionClient` for `executionClientPort`), klines
 * (`BybitHistoricalData`), the public stream (`BybitMarketStream`) and the private stream
 * (`BybitPrivateStream`), built from a config profile by {@linkcode bybitFromProfile}.
 *
 * @example
 * ```ts
 * import { bybitFromProfile } from "./mod.ts";
 * const bybit = bybitFromProfile("bybit_testnet", {
 *   driver: "bybit",
 *   rest_url: "https://api-testnet.bybit.com",
 *   ws_url: "wss://stream-testnet.bybit.com",
 * });
 * bybit.client.venue; // "bybit"
 * ```
 *
 * @module
 */

export { type BookApply, type BookMessage, BybitBook, type WireLevels } from "./book.ts";
export {
  httpStatusError,
  RET_DUPLICATE_LINK_ID,
  RET_ORDER_GONE,
  RET_RATE_LIMIT,
  RET_TIMESTAMP,
  retCodeError,
  retCodeKind,
  VENUE,
} from "./errors.ts";
export {
  bybitCode,
  BybitExecutionClient,
  type BybitExecutionClientOptions,
  createOrderBody,
} from "./execution_client.ts";
export { BybitHistoricalData, KLINE_PAGE, parseKlineRow } from "./historical.ts";
export { parseInstrument } from "./instruments.ts";
export { bybitInterval, fromBybitInterval } from "./intervals.ts";
export {
  BOOK_DEPTHS,
  BybitMarketStream,
  type BybitMarketStreamOptions,
  topicsOf,
} from "./market_stream.ts";
export {
  type Execution,
  orderStatus,
  parseExecution,
  parseOrder,
  parsePosition,
  parseWallet,
} from "./parse_private.ts";
export { type BookFrame, bybitSymbol, parsePublic, type PublicFrame } from "./parse_public.ts";
export {
  BybitPrivateStream,
  type BybitPrivateStreamOptions,
  PRIVATE_TOPICS,
} from "./private_stream.ts";
export {
  type BybitConnector,
  bybitFromProfile,
  type BybitProfileSeams,
  describeProfile,
} from "./profile.ts";
export {
  BYBIT_ENDPOINT_LIMITS,
  type LimiterClock,
  RateLimiter,
  type RateLimiterOptions,
  type RequestPriority,
} from "./rate_limit.ts";
export { BybitRest, type BybitRestOptions, type Param, type RestCall } from "./rest.ts";
export {
  type BybitCredentials,
  hmacHex,
  signedHeaders,
  signRest,
  wsAuthMessage,
} from "./signing.ts";
export {
  type Backoff,
  backoffDelay,
  DEFAULT_BACKOFF,
  nativeSocket,
  realTimers,
  type SocketFactory,
  type StreamSocket,
  type StreamTimers,
  type TimerHandle,
} from "../../lib/broker/mod.ts";
