/**
 * Replay of Binance USDⓈ-M recordings for `backtest run --mode tick`: the codec the CLI hands
 * to the tick runner. Its decoder is the {@linkcode BinanceMarketDecoder} the live
 * {@linkcode BinanceMarketStream} runs on (the same parsers, the same `DepthSync` per symbol, the
 * replay rules in market_decoder.ts), so a replay emits what the live stream emitted.
 *
 * @module
 */

import type { RecordingDecoder } from "../../lib/backtest/tick/mod.ts";
import { BinanceMarketDecoder } from "./market_decoder.ts";
import { VENUE } from "./symbols.ts";

/** The Binance codec of the tick replay. */
export const binanceRecordingCodec: {
  readonly venue: string;
  recognizes(frame: string): boolean;
  decoder(): RecordingDecoder;
} = {
  venue: VENUE,
  recognizes(frame: string): boolean {
    // Combined-stream frames (`{"stream":"btcusdt@…","data":…}`) or raw events (`{"e":…}`).
    return /^\{"stream":"[a-z0-9]+@/.test(frame) || /^\{"e":"[A-Za-z]+"/.test(frame);
  },
  decoder: () => new BinanceMarketDecoder(),
};
