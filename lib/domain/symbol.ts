/**
 * Venue-qualified symbols: `bybit:BTCUSDT`, `binance_perp:ETHUSDT`. The string form is the
 * canonical key everywhere (events, maps, reports); {@linkcode parseSymbol} is the edge that
 * turns user input into it.
 *
 * @module
 */

/** A venue-qualified symbol in canonical string form, `venue:CODE`. */
export type SymbolId = string;

/** The two parts of a {@linkcode SymbolId}. */
export interface SymbolParts {
  /** Lower-case venue name, e.g. `bybit`. */
  readonly venue: string;
  /** The venue's instrument code, e.g. `BTCUSDT`. */
  readonly code: string;
}

const VENUE = /^[a-z][a-z0-9_]*$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;

/** Options of {@linkcode parseSymbol}. */
export interface ParseSymbolOptions {
  /** Venue used for a bare code such as `BTCUSDT`; without it a bare code is an error. */
  readonly defaultVenue?: string;
}

/**
 * Parses `venue:CODE` (venue case-insensitive) into its canonical form.
 *
 * @example
 * ```ts
 * import { parseSymbol } from "@tesser/tesser/domain";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseSymbol("Bybit:BTCUSDT"), { venue: "bybit", code: "BTCUSDT" });
 * ```
 * @throws {RangeError} when the text is not a valid symbol.
 */
export function parseSymbol(text: string, options: ParseSymbolOptions = {}): SymbolParts {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  let venue: string;
  let code: string;
  if (colon === -1) {
    if (options.defaultVenue === undefined) {
      throw new RangeError(
        `Cannot parse symbol "${text}": expected "venue:CODE" such as "bybit:BTCUSDT"`,
      );
    }
    venue = options.defaultVenue.toLowerCase();
    code = trimmed;
  } else {
    venue = trimmed.slice(0, colon).toLowerCase();
    code = trimmed.slice(colon + 1);
  }
  if (!VENUE.test(venue)) {
    throw new RangeError(
      `Cannot parse symbol "${text}": venue "${venue}" must be letters, digits or "_", starting with a letter`,
    );
  }
  if (!CODE.test(code)) {
    throw new RangeError(
      `Cannot parse symbol "${text}": code "${code}" must be letters, digits or ". _ - /"`,
    );
  }
  return { venue, code };
}

/** Joins venue and code into the canonical `venue:CODE`. */
export function formatSymbol(parts: SymbolParts): SymbolId {
  return `${parts.venue}:${parts.code}`;
}

/** Parses and re-formats: the canonical id of user input. */
export function symbolId(text: string, options: ParseSymbolOptions = {}): SymbolId {
  return formatSymbol(parseSymbol(text, options));
}
