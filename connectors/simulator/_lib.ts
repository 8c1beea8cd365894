/**
 * The one place the simulator imports the library from, so a move inside lib/ changes one
 * file. The simulator uses the domain types and decimals, the margin formulas and the
 * tick-mode book of the simulated venues.
 *
 * @module
 */

export {
  ConfigError,
  DataError,
  type Decimal,
  decimal,
  type Instrument,
  type InstrumentSpec,
  intervalMillis,
  INTERVALS,
  isInterval,
  makeInstrument,
  roundToStep,
  validateOrder,
  ZERO,
} from "../../lib/domain/mod.ts";
export type {
  BookDeltaEvent,
  BookSnapshotEvent,
  CandleEvent,
  TradeEvent,
} from "../../lib/events/mod.ts";
export { findKeyLine, parseToml, readConfigFile } from "../../lib/config/mod.ts";
export { initialMargin, liquidationPrice } from "../../lib/portfolio/mod.ts";
export { SimBook } from "../../lib/venues/mod.ts";
export { generateBook, generateTrades, type ReplayEvent, replayFiles } from "../../lib/data/mod.ts";
