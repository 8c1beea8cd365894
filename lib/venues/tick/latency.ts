/**
 * Order latency in tick mode. Feed latency needs no model: it is the gap between each event's
 * exchange time (`ts`) and local time (`tsRecv`) in the data. Order latency is what a
 * {@linkcode LatencyModel} says: the *entry* delay from our local clock to the matching engine
 * (per operation: submit, amend, cancel) and the *response* delay from the matching engine back
 * to us (acknowledgements and fills).
 *
 * Two models: constant per operation, or measured rows (`req_ts,exch_ts,resp_ts` in µs, as
 * hftbacktest's `IntpOrderLatency`) linearly interpolated at the request time.
 *
 * @module
 */

import { DataError, type Micros } from "../../domain/mod.ts";

/** The order operations that travel to the venue. */
export type LatencyOperation = "submit" | "amend" | "cancel";

/** Order latency. */
export interface LatencyModel {
  /** Settings for the report. */
  readonly description: string;
  /** µs from sending `operation` at local time `ts` until the venue processes it (≥ 0). */
  entry(operation: LatencyOperation, ts: Micros): Micros;
  /** µs from a venue event at venue time `ts` until we receive it (≥ 0). */
  response(ts: Micros): Micros;
}

/** Constant latencies in µs; the operation fields default to `entry`. */
export interface ConstantLatencyOptions {
  /** Entry latency of every operation (default 0). */
  readonly entry?: Micros;
  /** Entry latency of submits. */
  readonly submit?: Micros;
  /** Entry latency of amends. */
  readonly amend?: Micros;
  /** Entry latency of cancels. */
  readonly cancel?: Micros;
  /** Response latency (default 0). */
  readonly response?: Micros;
}

function checkMicros(value: number, name: string): Micros {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`latency ${name} must be a whole number of µs ≥ 0, got ${value}`);
  }
  return value;
}

/**
 * Constant latency per operation.
 *
 * @example
 * ```ts
 * import { constantLatency } from "@tesser/tesser/venues";
 * import assert from "node:assert/strict";
 *
 * const latency = constantLatency({ entry: 5_000, cancel: 2_000, response: 3_000 });
 * assert.equal(latency.entry("cancel", 0), 2000);
 * ```
 * @throws {RangeError} for a negative or fractional value.
 */
export function constantLatency(options: ConstantLatencyOptions = {}): LatencyModel {
  const entry = checkMicros(options.entry ?? 0, "entry");
  const submit = checkMicros(options.submit ?? entry, "submit");
  const amend = checkMicros(options.amend ?? entry, "amend");
  const cancel = checkMicros(options.cancel ?? entry, "cancel");
  const response = checkMicros(options.response ?? 0, "response");
  return {
    description:
      `constant submit=${submit}µs amend=${amend}µs cancel=${cancel}µs response=${response}µs`,
    entry: (operation) => operation === "submit" ? submit : operation === "amend" ? amend : cancel,
    response: () => response,
  };
}

/** One measured round trip, µs since the epoch. */
export interface LatencyRow {
  /** When the request was sent. */
  readonly requestTs: Micros;
  /** When the matching engine processed it. */
  readonly exchangeTs: Micros;
  /** When the response arrived. */
  readonly responseTs: Micros;
}

/**
 * Latency interpolated from measured rows (sorted by request time): entry = exch − req and
 * response = resp − exch, linear between rows, the first/last row outside their range.
 *
 * @throws {RangeError} when there are no rows, they are unsorted, or a row runs backwards.
 */
export function interpolatedLatency(rows: readonly LatencyRow[], source = "rows"): LatencyModel {
  if (rows.length === 0) throw new RangeError("latency rows: need at least one row");
  const req = new Float64Array(rows.length);
  const entry = new Float64Array(rows.length);
  const response = new Float64Array(rows.length);
  const exch = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    if (i > 0 && row.requestTs < rows[i - 1].requestTs) {
      throw new RangeError(`latency rows: row ${i + 1} is earlier than row ${i}`);
    }
    if (row.exchangeTs < row.requestTs || row.responseTs < row.exchangeTs) {
      throw new RangeError(
        `latency rows: row ${i + 1} must have req_ts ≤ exch_ts ≤ resp_ts`,
      );
    }
    req[i] = row.requestTs;
    exch[i] = row.exchangeTs;
    entry[i] = row.exchangeTs - row.requestTs;
    response[i] = row.responseTs - row.exchangeTs;
  });
  const at = (times: Float64Array, values: Float64Array, ts: number): Micros => {
    const n = times.length;
    if (ts <= times[0]) return Math.round(values[0]);
    if (ts >= times[n - 1]) return Math.round(values[n - 1]);
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= ts) lo = mid;
      else hi = mid;
    }
    const span = times[hi] - times[lo];
    const w = span === 0 ? 0 : (ts - times[lo]) / span;
    return Math.round(values[lo] + w * (values[hi] - values[lo]));
  };
  return {
    description: `interpolated from ${source} (${rows.length} rows)`,
    entry: (_operation, ts) => at(req, entry, ts),
    response: (ts) => at(exch, response, ts),
  };
}

/**
 * Reads a latency CSV: header `req_ts,exch_ts,resp_ts`, then one row per measured request
 * (µs since the epoch), sorted by `req_ts`.
 *
 * @throws {DataError} naming the file and line of the first bad row.
 */
export async function readLatencyFile(path: string): Promise<LatencyModel> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new DataError(`Cannot read latency file: ${(error as Error).message}`, {
      location: { file: path },
      cause: error,
    });
  }
  const lines = text.split("\n");
  if ((lines[0] ?? "").trim() !== "req_ts,exch_ts,resp_ts") {
    throw new DataError("Cannot read latency file: bad header", {
      location: { file: path, line: 1 },
      hint: "the first line must be req_ts,exch_ts,resp_ts (µs since the epoch)",
    });
  }
  const rows: LatencyRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const cells = line.split(",").map(Number);
    if (cells.length !== 3 || !cells.every((c) => Number.isSafeInteger(c) && c >= 0)) {
      throw new DataError("Cannot read latency file: expected three whole µs values", {
        location: { file: path, line: i + 1 },
      });
    }
    rows.push({ requestTs: cells[0], exchangeTs: cells[1], responseTs: cells[2] });
  }
  try {
    return interpolatedLatency(rows, path);
  } catch (error) {
    throw new DataError(`Cannot read latency file: ${(error as Error).message}`, {
      location: { file: path },
      cause: error,
    });
  }
}
