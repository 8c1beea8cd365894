/**
 * Binance USDⓈ-M futures connector: market-data parsers (`parseMarket`, `parseDepthUpdate`,
 * `parseDepthSnapshot`) and the diff-depth synchroniser (`DepthSync`) with its book.
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
export { binanceCode, binanceSymbol, VENUE } from "./symbols.ts";
