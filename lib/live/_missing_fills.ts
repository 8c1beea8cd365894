/**
 * Fills on their way to us (live.md §2, steps 3, 5 and 7). The venue's position may already
 * hold a fill the private stream has not delivered: one that happened after the stream's
 * catch-up, or whose socket frame is slower than the REST answer. Adopting the position then
 * and booking the fill when it arrives counts it twice. So once the venue has answered, a pass
 * asks the stream to catch up from the venue's execution history (every fill the answer holds
 * is in that history by then), and compares only after everything delivered until then has
 * been handled; the stream's later copy of a fill is a duplicate by trade id. A position that
 * still differs may be one the market moved on since the answer: the pass asks again, up to its
 * attempts, and adopts the venue's only then. When the catch-up fails, the positions and
 * balances count as unknown: never adopted, trading stays halted.
 *
 * @module
 */

import type { Balance, Position } from "../domain/mod.ts";
import {
  unknownReport,
  type VenueAnswer,
  type VenueBalance,
  type VenuePosition,
} from "../portfolio/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import { mapAnswer } from "./_venue_answers.ts";

/** The venue's positions and balances as a pass may adopt them. */
export interface AdoptableAccount {
  /** The venue's positions in the session's instruments. */
  readonly positions: VenueAnswer<readonly VenuePosition[]>;
  /** The venue's wallet balances. */
  readonly balances: VenueAnswer<readonly VenueBalance[]>;
}

/** The venue's answers as the pass that got them may adopt them. */
export interface VenueAccountAnswers {
  /** The positions query. */
  readonly positions: VenueAnswer<readonly Position[]>;
  /** The balances query. */
  readonly balances: VenueAnswer<readonly Balance[]>;
  /** The private stream's catch-up, asked after both answers. */
  readonly caughtUp: VenueAnswer<unknown>;
}

/**
 * What of `answers` the pass may adopt: nothing (both unknown) when the catch-up failed, since
 * fills may still be on their way; else the positions in `session`'s instruments and the
 * balances.
 */
export function adoptableAccount(
  session: TradingSession,
  answers: VenueAccountAnswers,
): AdoptableAccount {
  const { caughtUp } = answers;
  if (caughtUp.status !== "known") {
    return { positions: unknownReport(caughtUp.reason), balances: unknownReport(caughtUp.reason) };
  }
  return {
    positions: mapAnswer(
      answers.positions,
      (list) =>
        list.filter((p) => session.instruments.has(p.symbol)).map((p): VenuePosition => ({
          symbol: p.symbol,
          quantity: p.quantity,
          entryPrice: p.entryPrice,
        })),
    ),
    balances: mapAnswer(
      answers.balances,
      (list) => list.map((b): VenueBalance => ({ currency: b.currency, total: b.total })),
    ),
  };
}

/**
 * Whether `session`'s ledger holds the venue's quantities: when it does not, a fill may still be
 * on its way and the pass asks again. An unknown answer agrees (there is nothing to adopt).
 */
export function positionsAgree(
  session: TradingSession,
  positions: VenueAnswer<readonly VenuePosition[]>,
): boolean {
  if (positions.status !== "known") return true;
  const venue = new Map(positions.value.map((p) => [p.symbol, p.quantity]));
  for (const symbol of session.instruments.keys()) {
    const ours = session.portfolio.position(symbol).quantity;
    const theirs = venue.get(symbol);
    if (theirs === undefined ? !ours.isZero() : !ours.eq(theirs)) return false;
  }
  return true;
}
