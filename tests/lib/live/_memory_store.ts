/** An in-memory state store with the runtime's store port, recording every call. */

import type { Fill, Micros } from "../../../lib/domain/mod.ts";
import type { OrderCommand } from "../../../lib/events/mod.ts";
import type { LiveStorePort, PersistedLiveState } from "../../../lib/live/mod.ts";

/** The store and what was written to it. */
export class MemoryStore implements LiveStorePort {
  /** Intents in the order they were recorded. */
  readonly intents: { clientOrderId: string; command: OrderCommand; ts: Micros }[] = [];
  /** Fills recorded (once per trade id). */
  readonly fills: Fill[] = [];
  /** Every commit. */
  readonly commits: PersistedLiveState[] = [];
  /** Whether close was called. */
  closed = false;
  #state: PersistedLiveState | undefined;

  /** A store holding `state` (a fresh one without). */
  constructor(state?: PersistedLiveState) {
    this.#state = state;
  }

  /** The last commit. */
  load(): PersistedLiveState | undefined {
    // Through JSON, as a real store reads it back.
    return this.#state === undefined ? undefined : JSON.parse(JSON.stringify(this.#state));
  }

  /** Records an intent. */
  recordIntent(intent: { clientOrderId: string; command: OrderCommand; ts: Micros }): void {
    this.intents.push(intent);
  }

  /** Records a fill once per trade id. */
  recordFill(fill: Fill): boolean {
    if (this.fills.some((f) => f.tradeId === fill.tradeId && f.symbol === fill.symbol)) {
      return false;
    }
    this.fills.push(fill);
    return true;
  }

  /** Keeps the state. */
  commit(state: PersistedLiveState): void {
    this.commits.push(state);
    this.#state = state;
  }

  /** Marks the store closed. */
  close(): void {
    this.closed = true;
  }
}
