/**
 * Funding-rate files for perpetuals: CSV with a header naming `ts`, `symbol`, `rate` and
 * optionally `mark_price` (any column order). `ts` is ISO-8601/RFC 3339 (UTC unless an offset is
 * given) or an epoch number in s, ms, µs or ns (told apart by its digit count); `rate` is the
 * fraction paid per funding period (positive: longs pay shorts). Rows must be in time order.
 *
 * @module
 */

import {
  DataError,
  fromIso,
  fromMillis,
  fromNanos,
  fromSeconds,
  type Micros,
  symbolId,
} from "../domain/mod.ts";
import type { FundingEvent } from "../events/mod.ts";
import { readLines, splitLine } from "./_lines.ts";

/** Options of {@linkcode readFundingCsv}. */
export interface ReadFundingOptions {
  /** Venue for bare symbol codes (e.g. `bybit` for `BTCUSDT`). */
  readonly defaultVenue?: string;
  /** Use this symbol for every row (the file's symbol column is then ignored). */
  readonly symbol?: string;
}

const REQUIRED = ["ts", "rate"] as const;

// An all-digit time is epoch seconds, ms, µs or ns by its number of digits (a 2024 time has
// 10, 13, 16 or 19), so a file in seconds cannot land silently in 1970.
function parseTime(text: string): Micros {
  if (!/^\d+$/.test(text)) return fromIso(text);
  const digits = text.length;
  if (digits >= 18) return fromNanos(BigInt(text));
  if (digits >= 15) return Number(text);
  if (digits >= 12) return fromMillis(Number(text));
  return fromSeconds(Number(text));
}

/**
 * Reads a whole funding-rate CSV (they are small: three rows a day) into funding events,
 * `ts = tsRecv = ` the funding time.
 *
 * @throws {DataError} naming the file and line for a missing column, a bad cell or rows out of
 * time order.
 */
export async function readFundingCsv(
  path: string,
  options: ReadFundingOptions = {},
): Promise<readonly FundingEvent[]> {
  const events: FundingEvent[] = [];
  let columns: Map<string, number> | undefined;
  let last = Number.NEGATIVE_INFINITY;
  for await (const chunk of readLines(path)) {
    for (let i = 0; i < chunk.lines.length; i++) {
      const lineNumber = chunk.firstLine + i;
      const line = chunk.lines[i];
      if (line.trim() === "") continue;
      const cells = splitLine(line, ",").map((cell) => cell.trim());
      if (columns === undefined) {
        columns = new Map(cells.map((name, index) => [name.toLowerCase(), index]));
        const missing = [...REQUIRED, ...(options.symbol === undefined ? ["symbol"] : [])]
          .filter((name) => !columns?.has(name));
        if (missing.length > 0) {
          throw new DataError(`Cannot read funding rates: missing column ${missing.join(", ")}`, {
            location: { file: path, line: lineNumber },
            hint: "the header must name ts, symbol, rate and optionally mark_price",
          });
        }
        continue;
      }
      const cell = (name: string): string | undefined => {
        const index = columns?.get(name);
        return index === undefined ? undefined : cells[index];
      };
      const fail = (reason: string): never => {
        throw new DataError(`Cannot parse funding rate at line ${lineNumber}: ${reason}`, {
          location: { file: path, line: lineNumber },
        });
      };
      let ts: Micros;
      try {
        ts = parseTime(cell("ts") ?? "");
      } catch (error) {
        return fail((error as Error).message);
      }
      if (ts < last) fail(`time ${cell("ts")} is before the previous row's`);
      last = ts;
      const rate = Number(cell("rate"));
      if (cell("rate") === "" || !Number.isFinite(rate)) {
        fail(`rate "${cell("rate")}" is not a number`);
      }
      const markText = cell("mark_price");
      const markPrice = markText === undefined || markText === "" ? undefined : Number(markText);
      if (markPrice !== undefined && !(markPrice > 0)) {
        fail(`mark_price "${markText}" is not a positive number`);
      }
      let symbol: string;
      try {
        symbol = symbolId(options.symbol ?? cell("symbol") ?? "", {
          defaultVenue: options.defaultVenue,
        });
      } catch (error) {
        return fail((error as Error).message);
      }
      events.push({
        kind: "funding",
        ts,
        tsRecv: ts,
        funding: markPrice === undefined ? { symbol, rate } : { symbol, rate, markPrice },
      });
    }
  }
  if (columns === undefined) {
    throw new DataError("Cannot read funding rates: the file is empty", {
      location: { file: path },
    });
  }
  return events;
}
