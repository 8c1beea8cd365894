/**
 * BitMEX connector, market data only: the realtime public WebSocket (`orderBookL2` books keyed
 * by level id with the id → price map, `trade`, `quote`, `tradeBin*` candles, `instrument`
 * funding) as a `MarketStream`, its parsers and book, and the decoder that replays its
 * recordings in tick mode. XBTUSD is an inverse contract (sizes in USD contracts).
 *
 * @example
 * ```ts
 * import { bitmexTopics } from "./mod.ts";
 * bitmexTopics({ symbol: "bitmex:XBTUSD", channels: ["book", "trades"] });
 * // ["orderBookL2:XBTUSD", "trade:XBTUSD", "instrument:XBTUSD"]
 * ```
 *
 * @module
 */

export { BitmexBook, type BitmexBookApply } from "./book.ts";
export { BIN_INTERVALS, BitmexFeed, type BitmexFeedStats, type FeedAction } from "./feed.ts";
export {
  BitmexMarketStream,
  type BitmexMarketStreamOptions,
  type BitmexSocket,
  type BitmexTimers,
  bitmexTopics,
} from "./market_stream.ts";
export {
  type BinRow,
  type BitmexAction,
  type BitmexMessage,
  bitmexSymbol,
  type BookRow,
  type InstrumentRow,
  parseBitmex,
  type QuoteRow,
  type TradeRow,
  VENUE,
} from "./parse.ts";
export { bitmexRecordingCodec, BitmexRecordingDecoder } from "./recording.ts";
