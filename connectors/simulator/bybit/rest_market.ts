/**
 * Bybit v5 public market routes: server time, instruments, klines (newest first), the order
 * book and tickers.
 *
 * @module
 */

import { level, money } from "../_format.ts";
import type { SimInstrument } from "../instruments.ts";
import { BYBIT_INTERVALS, bybitInterval } from "./intervals.ts";
import {
  type BybitCall,
  BybitParamError,
  type BybitRoute,
  optionalInteger,
  optionalString,
  page,
  requiredString,
  success,
} from "./rest_types.ts";
import { instrument } from "./shapes.ts";

function listed(call: BybitCall, code: string): SimInstrument {
  const spec = call.context.core.instrument(code);
  if (spec === undefined) throw new BybitParamError(`params error: symbol ${code} invalid`);
  return spec;
}

/** The public routes by path. */
export const MARKET_ROUTES: ReadonlyMap<string, BybitRoute> = new Map<string, BybitRoute>([
  ["/v5/market/time", {
    method: "GET",
    auth: false,
    handle: ({ context }) => {
      const now = context.clock.now();
      return success({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` });
    },
  }],
  ["/v5/market/instruments-info", {
    method: "GET",
    auth: false,
    handle: (call) => {
      const category = requiredString(call.params, "category");
      const symbol = optionalString(call.params, "symbol");
      const status = optionalString(call.params, "status");
      // Only linear perpetuals are listed; other categories and statuses are empty, as on a
      // venue that lists nothing there (clients that load every category keep working).
      const specs = category !== "linear" || (status !== undefined && status !== "Trading")
        ? []
        : call.context.core.instruments().filter((s) => symbol === undefined || s.code === symbol);
      const items = specs.map((spec) => instrument(spec, call.context.startedAt));
      const { list, nextPageCursor } = page(items, call.params, 500, 1000);
      return success({ category, list, nextPageCursor });
    },
  }],
  ["/v5/market/kline", {
    method: "GET",
    auth: false,
    handle: (call) => {
      const category = optionalString(call.params, "category") ?? "linear";
      const code = requiredString(call.params, "symbol");
      const spec = listed(call, code);
      const name = requiredString(call.params, "interval");
      const grid = bybitInterval(name);
      if (grid === undefined) {
        throw new BybitParamError(
          `params error: interval ${name} invalid (valid: ${BYBIT_INTERVALS.join(", ")})`,
        );
      }
      const limit = optionalInteger(call.params, "limit", 200, 1, 1000);
      const start = optionalString(call.params, "start");
      const end = optionalString(call.params, "end");
      const candles = call.context.feed.klines.query(code, grid, {
        from: start === undefined ? undefined : Number(start),
        to: end === undefined ? undefined : Number(end),
        limit,
      });
      const p = spec.priceScale;
      const list = candles.map((k) => [
        String(k.start),
        level(k.open, p),
        level(k.high, p),
        level(k.low, p),
        level(k.close, p),
        money_(k.volume, spec.quantityScale),
        money_(k.turnover, 4),
      ]).reverse();
      return success({ symbol: code, category, list });
    },
  }],
  ["/v5/market/orderbook", {
    method: "GET",
    auth: false,
    handle: (call) => {
      const code = requiredString(call.params, "symbol");
      const spec = listed(call, code);
      const limit = optionalInteger(call.params, "limit", 25, 1, 500);
      const book = call.context.core.book(code);
      const side = (
        s: typeof book extends undefined ? never : NonNullable<typeof book>["bids"],
      ): string[][] => {
        const out: string[][] = [];
        for (let i = 0; i < Math.min(limit, s.depth); i++) {
          out.push([level(s.price(i), spec.priceScale), money_(s.size(i), spec.quantityScale)]);
        }
        return out;
      };
      const now = call.context.clock.now();
      const u = call.context.feed.sequence(code);
      return success({
        s: code,
        a: book === undefined ? [] : side(book.asks),
        b: book === undefined ? [] : side(book.bids),
        ts: now,
        u,
        seq: u,
        cts: now,
      });
    },
  }],
  ["/v5/market/tickers", {
    method: "GET",
    auth: false,
    handle: (call) => {
      const category = requiredString(call.params, "category");
      const symbol = optionalString(call.params, "symbol");
      const specs = category !== "linear"
        ? []
        : call.context.core.instruments().filter((s) => symbol === undefined || s.code === symbol);
      const list = specs.map((spec) => {
        const book = call.context.core.book(spec.code);
        const p = spec.priceScale;
        const last = level(call.context.core.lastPrice(spec.code), p);
        const mark = money(call.context.core.markPrice(spec.code), p + 2);
        const day = call.context.feed.klines.query(spec.code, { minutes: 1440 }, {
          from: call.context.clock.now() - 86_400_000,
          limit: 2,
        });
        const volume = day.reduce((sum, k) => sum + k.volume, 0);
        const turnover = day.reduce((sum, k) => sum + k.turnover, 0);
        return {
          symbol: spec.code,
          lastPrice: last,
          indexPrice: mark,
          markPrice: mark,
          prevPrice24h: day.length > 0 ? level(day[0].open, p) : last,
          price24hPcnt: "0",
          highPrice24h: day.length > 0 ? level(Math.max(...day.map((k) => k.high)), p) : last,
          lowPrice24h: day.length > 0 ? level(Math.min(...day.map((k) => k.low)), p) : last,
          prevPrice1h: last,
          openInterest: "0",
          openInterestValue: "0",
          turnover24h: money_(turnover, 4),
          volume24h: money_(volume, spec.quantityScale),
          fundingRate: "0.0001",
          nextFundingTime: String(Math.ceil(call.context.clock.now() / 28_800_000) * 28_800_000),
          predictedDeliveryPrice: "",
          basisRate: "",
          deliveryFeeRate: "",
          deliveryTime: "0",
          ask1Size: book === undefined ? "0" : money_(book.asks.bestSize, spec.quantityScale),
          bid1Price: book === undefined || book.bids.depth === 0 ? "" : level(book.bids.best, p),
          ask1Price: book === undefined || book.asks.depth === 0 ? "" : level(book.asks.best, p),
          bid1Size: book === undefined ? "0" : money_(book.bids.bestSize, spec.quantityScale),
          basis: "",
        };
      });
      return success({ category, list });
    },
  }],
]);

function money_(value: number, places: number): string {
  return value.toFixed(places);
}
