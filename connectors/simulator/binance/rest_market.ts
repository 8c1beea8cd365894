/**
 * Binance USDⓈ-M public market routes: ping, server time, exchangeInfo with its filters,
 * klines (oldest first), depth, premiumIndex and bookTicker.
 *
 * @module
 */

import { fixed, level, money } from "../_format.ts";
import type { SimInstrument } from "../instruments.ts";
import type { VenueContext } from "../venue_context.ts";
import { BINANCE_INTERVALS, binanceInterval, updateIdOf } from "./intervals.ts";
import {
  BINANCE_LIMITS,
  BinanceError,
  type BinanceRoute,
  listedInstrument,
  ok,
  optional,
  optionalInteger,
  required,
} from "./rest_types.ts";

const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000];

function depthWeight(params: URLSearchParams): number {
  const limit = Number(params.get("limit") ?? "500");
  return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
}

function klineWeight(params: URLSearchParams): number {
  const limit = Number(params.get("limit") ?? "500");
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
}

// The margin assets exchangeInfo lists: USDT and every listed contract's settle asset.
function marginAssets(context: VenueContext): readonly string[] {
  return [...new Set(["USDT", ...context.core.instruments().map((s) => s.instrument.settle)])];
}

function symbolInfo(spec: SimInstrument, launch: number): Record<string, unknown> {
  const i = spec.instrument;
  const p = spec.priceScale;
  const q = spec.quantityScale;
  return {
    symbol: spec.code,
    pair: spec.code,
    contractType: "PERPETUAL",
    deliveryDate: 4133404800000,
    onboardDate: launch,
    status: "TRADING",
    maintMarginPercent: fixed(spec.maintenanceRate.times(100), 4),
    requiredMarginPercent: fixed(spec.maintenanceRate.times(200), 4),
    baseAsset: i.base,
    quoteAsset: i.quote,
    marginAsset: i.settle,
    pricePrecision: p,
    quantityPrecision: q,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: "COIN",
    underlyingSubType: ["PoW"],
    settlePlan: 0,
    triggerProtect: "0.0500",
    filters: [
      {
        filterType: "PRICE_FILTER",
        maxPrice: fixed(i.tickSize.times(19_999_998), p),
        minPrice: fixed(i.tickSize, p),
        tickSize: fixed(i.tickSize, p),
      },
      {
        filterType: "LOT_SIZE",
        maxQty: fixed(spec.maxQuantity, q),
        minQty: fixed(i.minQuantity, q),
        stepSize: fixed(i.lotSize, q),
      },
      {
        filterType: "MARKET_LOT_SIZE",
        maxQty: fixed(spec.maxQuantity, q),
        minQty: fixed(i.minQuantity, q),
        stepSize: fixed(i.lotSize, q),
      },
      { filterType: "MAX_NUM_ORDERS", limit: 200 },
      { filterType: "MAX_NUM_ALGO_ORDERS", limit: 10 },
      { filterType: "MIN_NOTIONAL", notional: money(i.minNotional) },
      {
        filterType: "PERCENT_PRICE",
        multiplierUp: "1.0500",
        multiplierDown: "0.9500",
        multiplierDecimal: 4,
      },
    ],
    orderTypes: [
      "LIMIT",
      "MARKET",
      "STOP",
      "STOP_MARKET",
      "TAKE_PROFIT",
      "TAKE_PROFIT_MARKET",
      "TRAILING_STOP_MARKET",
    ],
    timeInForce: ["GTC", "IOC", "FOK", "GTX"],
    liquidationFee: "0.012500",
    marketTakeBound: "0.05",
  };
}

/** The public routes by `METHOD path`. */
export const MARKET_ROUTES: ReadonlyMap<string, BinanceRoute> = new Map<string, BinanceRoute>([
  ["GET /fapi/v1/ping", { security: "NONE", weight: 1, handle: () => ok({}) }],
  ["GET /fapi/v1/time", {
    security: "NONE",
    weight: 1,
    handle: ({ context }) => ok({ serverTime: context.clock.now() }),
  }],
  ["GET /fapi/v1/exchangeInfo", {
    security: "NONE",
    weight: 1,
    handle: ({ context }) =>
      ok({
        exchangeFilters: [],
        rateLimits: [
          {
            interval: "MINUTE",
            intervalNum: 1,
            limit: BINANCE_LIMITS.weight1m,
            rateLimitType: "REQUEST_WEIGHT",
          },
          {
            interval: "MINUTE",
            intervalNum: 1,
            limit: BINANCE_LIMITS.orders1m,
            rateLimitType: "ORDERS",
          },
          {
            interval: "SECOND",
            intervalNum: 10,
            limit: BINANCE_LIMITS.orders10s,
            rateLimitType: "ORDERS",
          },
        ],
        serverTime: context.clock.now(),
        assets: marginAssets(context).map((asset) => ({
          asset,
          marginAvailable: true,
          autoAssetExchange: 0,
        })),
        symbols: context.core.instruments().map((spec) => symbolInfo(spec, context.startedAt)),
        timezone: "UTC",
      }),
  }],
  ["GET /fapi/v1/klines", {
    security: "NONE",
    weight: klineWeight,
    handle: (call) => {
      const code = required(call.params, "symbol");
      const spec = listedInstrument(call, code);
      const name = required(call.params, "interval");
      const grid = binanceInterval(name);
      if (grid === undefined) {
        throw new BinanceError(
          -1120,
          `Invalid interval ${name}; valid: ${BINANCE_INTERVALS.join(", ")}.`,
        );
      }
      const limit = optionalInteger(call.params, "limit", 500, 1, 1500);
      const start = optional(call.params, "startTime");
      const end = optional(call.params, "endTime");
      const rows = call.context.feed.klines.query(code, grid, {
        from: start === undefined ? undefined : Number(start),
        to: end === undefined ? undefined : Number(end),
        limit,
      });
      const p = spec.priceScale;
      const q = spec.quantityScale;
      return ok(rows.map((k) => [
        k.start,
        level(k.open, p),
        level(k.high, p),
        level(k.low, p),
        level(k.close, p),
        level(k.volume, q),
        k.end,
        level(k.turnover, 5),
        k.trades,
        "0",
        "0",
        "0",
      ]));
    },
  }],
  ["GET /fapi/v1/depth", {
    security: "NONE",
    weight: depthWeight,
    handle: (call) => {
      const code = required(call.params, "symbol");
      const spec = listedInstrument(call, code);
      const limit = optionalInteger(call.params, "limit", 500, 5, 1000);
      if (!DEPTH_LIMITS.includes(limit)) {
        throw new BinanceError(
          -4021,
          `Invalid depth limit ${limit}; valid: ${DEPTH_LIMITS.join(", ")}.`,
        );
      }
      const book = call.context.core.book(code);
      const now = call.context.clock.now();
      const side = (s: NonNullable<typeof book>["bids"]): string[][] => {
        const out: string[][] = [];
        for (let i = 0; i < Math.min(limit, s.depth); i++) {
          out.push([level(s.price(i), spec.priceScale), level(s.size(i), spec.quantityScale)]);
        }
        return out;
      };
      return ok({
        lastUpdateId: updateIdOf(call.context.feed.sequence(code)),
        E: now,
        T: now,
        bids: book === undefined ? [] : side(book.bids),
        asks: book === undefined ? [] : side(book.asks),
      });
    },
  }],
  ["GET /fapi/v1/premiumIndex", {
    security: "NONE",
    weight: 1,
    handle: (call) => {
      const code = optional(call.params, "symbol");
      const specs = code === undefined
        ? call.context.core.instruments()
        : [listedInstrument(call, code)];
      const now = call.context.clock.now();
      const rows = specs.map((spec) => {
        const mark = money(call.context.core.markPrice(spec.code));
        return {
          symbol: spec.code,
          markPrice: mark,
          indexPrice: mark,
          estimatedSettlePrice: mark,
          lastFundingRate: "0.00010000",
          interestRate: "0.00010000",
          nextFundingTime: Math.ceil(now / 28_800_000) * 28_800_000,
          time: now,
        };
      });
      return ok(code === undefined ? rows : rows[0]);
    },
  }],
  ["GET /fapi/v1/ticker/bookTicker", {
    security: "NONE",
    weight: 2,
    handle: (call) => {
      const code = optional(call.params, "symbol");
      const specs = code === undefined
        ? call.context.core.instruments()
        : [listedInstrument(call, code)];
      const now = call.context.clock.now();
      const rows = specs.map((spec) => {
        const book = call.context.core.book(spec.code);
        const p = spec.priceScale;
        const q = spec.quantityScale;
        return {
          symbol: spec.code,
          bidPrice: book === undefined || book.bids.depth === 0 ? "0" : level(book.bids.best, p),
          bidQty: book === undefined ? "0" : level(book.bids.bestSize, q),
          askPrice: book === undefined || book.asks.depth === 0 ? "0" : level(book.asks.best, p),
          askQty: book === undefined ? "0" : level(book.asks.bestSize, q),
          time: now,
          lastUpdateId: updateIdOf(call.context.feed.sequence(spec.code)),
        };
      });
      return ok(code === undefined ? rows : rows[0]);
    },
  }],
]);
