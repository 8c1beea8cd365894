/**
 * What the live runtime needs from a state store: the outbox (each intent durable before its
 * request leaves), fills as they arrive, and the rest of the state per settled timestamp. It
 * is the shape of the state store's `LiveStore` (`lib/live/state/`), so any such store, or an
 * in-memory one in tests, plugs in.
 *
 * @module
 */

import type { Fill, JsonValue, Micros } from "../domain/mod.ts";
import type { OrderCommand } from "../events/mod.ts";
import type { OmsSnapshot } from "../execution/mod.ts";
import type { PortfolioSnapshot } from "../portfolio/mod.ts";

/** The kill switch's latch as persisted: it survives restarts until an operator clears it. */
export interface PersistedKillSwitch {
  /** Whether the kill switch has tripped. */
  readonly tripped: boolean;
  /** When it tripped (µs). */
  readonly at?: Micros;
  /** Why (the alert's message). */
  readonly reason?: string;
}

/** One committed state of a live session. */
export interface PersistedLiveState {
  /** Schema version of the state (the store's). */
  readonly version: number;
  /** When it was committed (µs). */
  readonly savedAt: Micros;
  /** The OMS: working orders with their in-flight steps, client-id counter, trading state. */
  readonly oms: OmsSnapshot;
  /** The strategy's own snapshot (`strategy.snapshot()`). */
  readonly strategy: JsonValue;
  /** The execution algorithms' state (`null` when none run). */
  readonly algorithms: JsonValue;
  /** The account as the session books it. */
  readonly portfolio: PortfolioSnapshot;
  /** The last processed event ids by stream. */
  readonly lastEventIds: Readonly<Record<string, string>>;
  /** The kill switch's latch. */
  readonly killSwitch: PersistedKillSwitch;
}

/** The state store as the runtime uses it (see the module doc). */
export interface LiveStorePort {
  /** The last committed state, or undefined on a fresh file. */
  load(): PersistedLiveState | undefined;
  /** Outbox: written and durable BEFORE the request leaves. */
  recordIntent(intent: { clientOrderId: string; command: OrderCommand; ts: Micros }): void;
  /** Written when a fill arrives (a second record of one trade id is a no-op). */
  recordFill(fill: Fill, ts?: Micros): boolean;
  /** Per settled timestamp, only when something changed. */
  commit(state: PersistedLiveState): void;
  /** Flushes and releases the store. */
  close(): void;
}
