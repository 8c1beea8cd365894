/**
 * Refusals whose message is written only when someone reads it. A backtest counts most of its
 * refusals by rule and shows only the first few; writing a refusal's numbers into its sentence
 * was a large share of what one cost (issue 19), so pre-trade risk hands the OMS its facts and
 * the function that writes them out.
 *
 * @module
 */

import type { Instrument, Refusal, RefusalRule } from "../domain/mod.ts";
import type { OrderDraft } from "./risk.ts";

/** A refusal's fields but its message, with the keys (in their order) of the refusal shown. */
export type RefusalFacts = Omit<Refusal, "message">;

/** Writes a refusal's message from its facts and the order it refused (no closure each). */
export type RefusalWriter = (
  facts: RefusalFacts,
  request: OrderDraft,
  instrument: Instrument,
) => string;

/**
 * A refusal whose message is written when first read. Not a {@linkcode Refusal} itself (a
 * spread or JSON of it would miss the message): listeners get {@linkcode shownRefusal}'s.
 */
export class DeferredRefusal {
  /** Everything the refusal says but its message. */
  readonly facts: RefusalFacts;
  readonly #write: RefusalWriter;
  readonly #request: OrderDraft;
  readonly #instrument: Instrument;
  #message: string | undefined;

  /** A refusal of `request` on `instrument` with `facts`, whose message `write` writes. */
  constructor(
    facts: RefusalFacts,
    write: RefusalWriter,
    request: OrderDraft,
    instrument: Instrument,
  ) {
    this.facts = facts;
    this.#write = write;
    this.#request = request;
    this.#instrument = instrument;
  }

  /** Which rule refused. */
  get rule(): RefusalRule {
    return this.facts.rule;
  }

  /** The message, written on first read. */
  get message(): string {
    this.#message ??= this.#write(this.facts, this.#request, this.#instrument);
    return this.#message;
  }
}

/**
 * The plain refusal a listener gets: a deferred one written out, its fields in the order an
 * eagerly built one has them (rule, message, then the facts), so logs and journals read alike.
 */
export function shownRefusal(refusal: Refusal | DeferredRefusal): Refusal {
  if (!(refusal instanceof DeferredRefusal)) return refusal;
  const { rule, ...rest } = refusal.facts;
  return { rule, message: refusal.message, ...rest };
}
