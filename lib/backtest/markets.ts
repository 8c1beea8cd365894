/**
 * The markets file: instrument specifications in TOML (`[[markets]]` entries). Accepts
 * Tesser's own layout (`exchange` + bare `symbol`, `kind = "linear_perpetual"`) and the
 * venue-qualified one (`symbol = "bybit:BTCUSDT"`, `kind = "linear"`).
 *
 * @module
 */

import { field, parseToml, readConfigFile } from "../config/mod.ts";
import { validateValue } from "../config/validate.ts";
import { findKeyLine } from "../config/toml.ts";
import {
  ConfigError,
  type Instrument,
  type InstrumentKind,
  makeInstrument,
} from "../domain/mod.ts";

const KINDS: Readonly<Record<string, InstrumentKind>> = {
  spot: "spot",
  linear: "linear",
  linear_perpetual: "linear",
  inverse: "inverse",
  inverse_perpetual: "inverse",
};

const marketSchema = field.table({
  exchange: field.string(),
  symbol: field.string({ required: true }),
  kind: field.enum(Object.keys(KINDS), { required: true }),
  base: field.string({ required: true }),
  quote: field.string({ required: true }),
  settle: field.string(),
  settlement_currency: field.string(),
  tick_size: field.number({ min: 0, required: true }),
  lot_size: field.number({ min: 0, required: true }),
  min_quantity: field.number({ min: 0 }),
  min_notional: field.number({ min: 0 }),
  multiplier: field.number({ min: 0 }),
  maker_fee: field.number(),
  taker_fee: field.number(),
  funding_interval_hours: field.number({ min: 0 }),
});

const fileSchema = field.table({ markets: field.array(marketSchema, { required: true }) });

interface MarketRow {
  readonly exchange?: string;
  readonly symbol: string;
  readonly kind: string;
  readonly base: string;
  readonly quote: string;
  readonly settle?: string;
  readonly settlement_currency?: string;
  readonly tick_size: number;
  readonly lot_size: number;
  readonly min_quantity?: number;
  readonly min_notional?: number;
  readonly multiplier?: number;
  readonly maker_fee?: number;
  readonly taker_fee?: number;
  readonly funding_interval_hours?: number;
}

/**
 * Parses markets TOML text read from `file`.
 *
 * @throws {ConfigError} naming the file (and line) for syntax errors, unknown keys, bad values
 * or a symbol listed twice.
 */
export function parseMarkets(text: string, file: string): readonly Instrument[] {
  const data = parseToml(text, file);
  validateValue(fileSchema, data, [], {
    kind: "file",
    file,
    locate: (path) => findKeyLine(text, path),
  });
  const rows = (data.markets ?? []) as readonly MarketRow[];
  const seen = new Set<string>();
  return rows.map((row, index) => {
    const symbol = row.exchange === undefined ? row.symbol : `${row.exchange}:${row.symbol}`;
    const where = `${file}: markets[${index}] (${symbol})`;
    try {
      const instrument = makeInstrument({
        symbol,
        kind: KINDS[row.kind],
        base: row.base,
        quote: row.quote,
        settle: row.settle ?? row.settlement_currency,
        tickSize: row.tick_size,
        lotSize: row.lot_size,
        minQuantity: row.min_quantity,
        minNotional: row.min_notional,
        multiplier: row.multiplier,
        makerFee: row.maker_fee,
        takerFee: row.taker_fee,
        fundingIntervalHours: row.funding_interval_hours,
      });
      if (seen.has(instrument.symbol)) throw new RangeError(`${instrument.symbol} is listed twice`);
      seen.add(instrument.symbol);
      return instrument;
    } catch (error) {
      if (error instanceof RangeError) {
        throw new ConfigError(`${where}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  });
}

/**
 * Reads and parses a markets file.
 *
 * @throws {ConfigError} when the file cannot be read or is invalid.
 */
export async function loadMarkets(file: string): Promise<readonly Instrument[]> {
  const text = await readConfigFile(
    file,
    "markets file",
    "pass --markets-file or set backtest.markets_file",
  );
  return parseMarkets(text, file);
}
