/**
 * Binance USDⓈ-M futures connector: market-data parsers (`parseMarket`, `parseDepthUpdate`,
 * `parseDepthSnapshot`) and the diff-depth synchroniser (`DepthSync`); signed REST with weight
 * accounting (`BinanceRest`, `WeightLimiter`); order entry and account queries
 * (`BinanceExecutionClient`, an `ExecutionClient` for `executionClientPort`); klines
 * (`BinanceHistoricalData`); market data on /public + /market (`BinanceMarketStream`); the
 * user data stream on /private (`BinanceUserStream`); all built from a config profile by
 * {@linkcode binanceFromProfile}.
 *
 * @example
 * ```ts
 * import { DepthSync, parseMarket } from "./mod.ts";
 * const sync = new DepthSync();
 * const frame = parseMarket(
 *   '{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":5,"u":9,"pu":4,"b":[["100","1"]],"a":[]}',
 *   0,
 * );
 * if (frame.type === "depth") sync.push(frame.update); // buffered until a snapshot
 * ```
 *
 * @module
 */

export { DepthBook, toBookLevels } from "./depth_book.ts";
export { type DepthStep, DepthSync, type DepthSyncOptions } from "./depth_sync.ts";
export {
  type DepthSnapshot,
  depthSnapshotOf,
  type DepthUpdate,
  depthUpdateOf,
  flatLevels,
  parseDepthSnapshot,
  parseDepthUpdate,
} from "./depth_update.ts";
export {
  type MarketFrame,
  type MarkPrice,
  parseBookTicker,
  parseEvent,
  parseMarket,
  parseMarkPrice,
  parseTrade,
} from "./parse_public.ts";
export {
  CODE_CANCEL_REJECTED,
  CODE_DUPLICATE_CLIENT_ID,
  CODE_INVALID_LISTEN_KEY,
  CODE_NO_SUCH_ORDER,
  CODE_TIMESTAMP,
  CODE_TOO_MANY_ORDERS,
  CODE_TOO_MANY_REQUESTS,
  CODE_UNKNOWN_STATUS,
  codeError,
  codeKind,
  httpStatusError,
} from "./errors.ts";
export {
  algoParams,
  BinanceExecutionClient,
  type BinanceExecutionClientOptions,
  type ConditionalRequest,
  orderParams,
} from "./execution_client.ts";
export { BinanceHistoricalData, KLINE_PAGE, klineWeight, parseKlineRow } from "./historical.ts";
export { type BinanceInstrument, parseRateLimits, parseSymbolInfo } from "./instruments.ts";
export {
  BinanceMarketStream,
  type BinanceMarketStreamOptions,
  DEPTH_LIMITS,
  streamsOf,
} from "./market_stream.ts";
export {
  BinanceMarketDecoder,
  type BinanceMarketDecoderOptions,
  type DecoderStats,
} from "./market_decoder.ts";
export {
  type AccountUpdate,
  algoStatus,
  type BinanceFill,
  type FundingFee,
  orderStatus,
  type OrderTradeUpdate,
  orderType,
  parseAccountUpdate,
  parseAlgoOrder,
  parseAlgoUpdate,
  parseBalance,
  parseOrderTradeUpdate,
  parsePositionRisk,
  parseRestOrder,
  parseUserTrade,
  timeInForce,
} from "./parse_private.ts";
export {
  type BinanceConnector,
  type BinanceEndpoints,
  binanceEndpoints,
  binanceFromProfile,
  type BinanceProfileSeams,
  describeBinanceProfile,
} from "./profile.ts";
export {
  BINANCE_LIMITS,
  type BinanceLimits,
  type LimiterClock,
  type RequestCost,
  type RequestPriority,
  WeightLimiter,
  type WeightLimiterOptions,
} from "./rate_limit.ts";
export { BinanceRest, type BinanceRestOptions, type RestCall, type Security } from "./rest.ts";
export {
  type BinanceCredentials,
  encodeParams,
  type Param,
  type SignedRequest,
  signPayload,
  signRequest,
} from "./signing.ts";
export { binanceCode, binanceSymbol, VENUE } from "./symbols.ts";
export { BinanceUserStream, type BinanceUserStreamOptions, USER_EVENTS } from "./user_stream.ts";
export { WsConnection, type WsConnectionOptions } from "./ws_connection.ts";
