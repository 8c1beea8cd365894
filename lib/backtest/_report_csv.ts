/**
 * CSV text of the report files, produced as a sequence of chunks so a 10M-row equity curve is
 * never one giant string. RFC 4180: comma-separated, `\n` line ends, fields quoted only when
 * they hold a comma, quote or line break.
 *
 * @module
 */

import { type Fill, type Micros, MICROS_PER_DAY, type Order } from "../domain/mod.ts";
import type { RoundTrip } from "../portfolio/round_trip.ts";

/** Rows per chunk: ~64 KiB of equity text, large enough to make each write cheap. */
const ROWS_PER_CHUNK = 2_048;

/** The equity curve as the report files take it. */
export interface EquityCurve {
  /** Bar timestamps (µs); only the first `length` are read. */
  readonly ts: Float64Array;
  /** Equity at each bar's close; only the first `length` are read. */
  readonly equity: Float64Array;
  /** Number of bars. */
  readonly length: number;
}

/** Rows of `equity.csv`: times, equity and drawdown as recorded. */
export interface EquityRows extends EquityCurve {
  /** Drawdown from the running peak (fraction ≥ 0); only the first `length` are read. */
  readonly drawdown: Float64Array;
}

/** A field quoted when it needs to be. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\n`;
}

// Powers of ten that are exact doubles.
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** A float rounded to 12 significant digits, shortest text (`-0` → `0`). */
export function csvNumber(value: number): string {
  if (!Number.isFinite(value)) return "";
  const rounded = roundedTo12(value);
  return rounded === 0 ? "0" : String(rounded);
}

/**
 * `Number(value.toPrecision(12))` without the two text conversions (equity.csv formats ~1.25M
 * numbers at the end of a 10M-bar run): the 12-digit integer m = round(|value| · 10^k) is exact
 * when the scaled value is not within 1e-3 of a half (its rounding error is ≤ 1.2e-4), and
 * m / 10^k, one correctly rounded division of exact operands, is the double nearest to the
 * decimal toPrecision writes, which is what `Number` parses. Everything else (an exponent off
 * by one, a near tie, |value| outside [1e-11, 1e12)) takes the text path.
 */
export function roundedTo12(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-11 && magnitude < 1e12) {
    const k = 11 - Math.floor(Math.log10(magnitude));
    if (k >= 0 && k <= 22) {
      const scaled = magnitude * (POW10[k] as number);
      const m = Math.round(scaled);
      if (m > 1e11 && m < 1e12 && Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-3) {
        const r = m / (POW10[k] as number);
        return value < 0 ? -r : r;
      }
    }
  }
  return Number(value.toPrecision(12));
}

const TWO_DIGITS: readonly string[] = Array.from(
  { length: 60 },
  (_, i) => String(i).padStart(2, "0"),
);

/**
 * An ISO 8601 formatter identical to `toIso` (whole seconds, `.sss` or `.ssssss` only when
 * needed) that formats each calendar day once: equity rows come in time order, so the date
 * part is almost always cached.
 */
export function isoFormatter(): (us: Micros) => string {
  let cachedDay = Number.NaN;
  let datePart = "";
  return (us: Micros): string => {
    if (!Number.isSafeInteger(us)) {
      throw new RangeError(`timestamp must be an integer count of microseconds, got ${us}`);
    }
    const day = Math.floor(us / MICROS_PER_DAY);
    if (day !== cachedDay) {
      cachedDay = day;
      datePart = new Date(day * 86_400_000).toISOString().slice(0, 11);
    }
    let rest = us - day * MICROS_PER_DAY;
    const hours = Math.floor(rest / 3_600_000_000);
    rest -= hours * 3_600_000_000;
    const minutes = Math.floor(rest / 60_000_000);
    rest -= minutes * 60_000_000;
    const seconds = Math.floor(rest / 1_000_000);
    const fraction = rest - seconds * 1_000_000;
    const clock = `${datePart}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}`;
    if (fraction === 0) return `${clock}Z`;
    if (fraction % 1_000 === 0) return `${clock}.${String(fraction / 1_000).padStart(3, "0")}Z`;
    return `${clock}.${String(fraction).padStart(6, "0")}Z`;
  };
}

/** Column names of `equity.csv`. */
export const EQUITY_COLUMNS: readonly string[] = ["ts", "equity", "drawdown"];

/**
 * `equity.csv` in chunks: the bar's timestamp, the equity at its close, and the drawdown
 * `(peak − equity) / peak` with the peak starting at the initial equity (taken as recorded, so
 * a thinned curve keeps the drawdown of the full one).
 */
export function* equityCsvChunks(rows: EquityRows): Generator<string> {
  const iso = isoFormatter();
  let chunk = csvRow(EQUITY_COLUMNS);
  for (let i = 0; i < rows.length; i++) {
    chunk += `${iso(rows.ts[i])},${csvNumber(rows.equity[i])},${csvNumber(rows.drawdown[i])}\n`;
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

/** Column names of `trades.csv`. */
export const TRADE_COLUMNS: readonly string[] = [
  "symbol",
  "direction",
  "entryTs",
  "exitTs",
  "holdingTime",
  "quantity",
  "entryPrice",
  "exitPrice",
  "grossPnl",
  "fees",
  "funding",
  "netPnl",
  "settle",
  "fills",
];

/** `trades.csv` in chunks: one row per round trip, money exact, holding time in seconds. */
export function* tradesCsvChunks(roundTrips: readonly RoundTrip[]): Generator<string> {
  const iso = isoFormatter();
  let chunk = csvRow(TRADE_COLUMNS);
  for (let i = 0; i < roundTrips.length; i++) {
    const t = roundTrips[i];
    chunk += csvRow([
      t.symbol,
      t.direction,
      iso(t.entryTs),
      iso(t.exitTs),
      String((t.exitTs - t.entryTs) / 1_000_000),
      t.quantity.toString(),
      t.entryPrice.toString(),
      t.exitPrice.toString(),
      t.grossPnl.toString(),
      t.fees.toString(),
      t.funding.toString(),
      t.netPnl.toString(),
      t.settle,
      String(t.fills),
    ]);
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

/** Column names of `fills.csv`. */
export const FILL_COLUMNS: readonly string[] = [
  "ts",
  "symbol",
  "side",
  "price",
  "qty",
  "fee",
  "liquidity",
  "feeCurrency",
  "orderId",
  "clientOrderId",
  "tradeId",
];

/**
 * `fills.csv` in chunks: one row per fill, in the order given. With `parentOf` (a run with
 * execution algorithms) a last column `parentId` names each child's parent order.
 */
export function* fillsCsvChunks(
  fills: readonly { readonly ts: Micros; readonly fill: Fill }[],
  parentOf?: (clientOrderId: string) => string | undefined,
): Generator<string> {
  const iso = isoFormatter();
  let chunk = csvRow(parentOf === undefined ? FILL_COLUMNS : [...FILL_COLUMNS, "parentId"]);
  for (let i = 0; i < fills.length; i++) {
    const { ts, fill } = fills[i];
    chunk += csvRow([
      iso(ts),
      fill.symbol,
      fill.side,
      fill.price.toString(),
      fill.quantity.toString(),
      fill.fee.toString(),
      fill.liquidity,
      fill.feeCurrency,
      fill.orderId,
      fill.clientOrderId,
      fill.tradeId,
      ...(parentOf === undefined ? [] : [parentOf(fill.clientOrderId) ?? ""]),
    ]);
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

/** Column names of `orders.csv`. */
export const ORDER_COLUMNS: readonly string[] = [
  "id",
  "clientOrderId",
  "symbol",
  "side",
  "type",
  "quantity",
  "price",
  "triggerPrice",
  "status",
  "filledQuantity",
  "averagePrice",
  "createdTs",
  "updatedTs",
  "reason",
  "timeInForce",
  "reduceOnly",
];

/**
 * `orders.csv` in chunks: one row per order in its final state; absent values are empty. With
 * `parentOf` (a run with execution algorithms) a last column `parentId` names each child's
 * parent order.
 */
export function* ordersCsvChunks(
  orders: readonly Order[],
  parentOf?: (clientOrderId: string) => string | undefined,
): Generator<string> {
  const iso = isoFormatter();
  let chunk = csvRow(parentOf === undefined ? ORDER_COLUMNS : [...ORDER_COLUMNS, "parentId"]);
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i];
    const r = o.request;
    chunk += csvRow([
      o.id,
      r.clientOrderId,
      r.symbol,
      r.side,
      r.type,
      r.quantity.toString(),
      r.price?.toString() ?? "",
      r.triggerPrice?.toString() ?? "",
      o.status,
      o.filledQuantity.toString(),
      o.averagePrice?.toString() ?? "",
      iso(o.createdTs),
      iso(o.updatedTs),
      o.reason ?? "",
      r.timeInForce,
      String(r.reduceOnly),
      ...(parentOf === undefined ? [] : [parentOf(r.clientOrderId) ?? ""]),
    ]);
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}
