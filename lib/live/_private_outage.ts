/**
 * The private stream's outages as the runtime tracks them: private events missed while the
 * execution channel was down are never replayed, so its return calls for a reconciliation; and
 * since when it has been down is committed, so a restart catches up from there rather than
 * from a commit made during the outage.
 *
 * @module
 */

import type { ConnectivityEvent } from "../events/mod.ts";

// The committed state's `lastEventIds` key of the time the private stream went down (ms).
const DOWN_SINCE_KEY = "execution:down-since-ms";

/** What an execution channel's change of state asks of the runtime. */
export interface OutageChange {
  /** The committed outage changed: the state is to be committed. */
  readonly changed: boolean;
  /** The channel is back after being down: reconcile. */
  readonly reconnected: boolean;
}

/** The execution channel's outage (see the module doc). */
export class PrivateOutage {
  // Down since the last "up" (the next "up" is a reconnect).
  #down = false;
  // Since when (ms, our clock) the stream has been down and not caught up.
  #downSinceMs: number | undefined;
  #resumeSinceMs: number | undefined;

  /** When state was restored: the ms the private stream catches up from. */
  get resumeSinceMs(): number | undefined {
    return this.#resumeSinceMs;
  }

  /**
   * Restores the outage a commit recorded (its `lastEventIds`, committed at `committedMs`):
   * the stream catches up from the earlier of the commit and the outage's start.
   */
  restore(lastEventIds: Readonly<Record<string, string>>, committedMs: number): void {
    const down = Number(lastEventIds[DOWN_SINCE_KEY] ?? Number.NaN);
    this.#downSinceMs = Number.isFinite(down) ? down : undefined;
    this.#resumeSinceMs = Math.min(committedMs, this.#downSinceMs ?? committedMs);
  }

  /** Follows the execution channel's state. */
  onConnectivity(event: ConnectivityEvent): OutageChange {
    switch (event.state) {
      case "down": {
        this.#down = true;
        if (this.#downSinceMs !== undefined) return { changed: false, reconnected: false };
        this.#downSinceMs = Math.floor(event.ts / 1000);
        return { changed: true, reconnected: false };
      }
      case "up": {
        // Up means caught up (the streams announce it after their catch-up).
        const changed = this.#downSinceMs !== undefined;
        const reconnected = this.#down;
        this.#downSinceMs = undefined;
        this.#down = false;
        return { changed, reconnected };
      }
      case "stale":
        return { changed: false, reconnected: false };
      default: {
        const unknown: never = event.state;
        throw new TypeError(`Unknown connectivity state ${unknown}`);
      }
    }
  }

  /** The committed state's `lastEventIds` that record the outage. */
  lastEventIds(): Record<string, string> {
    return this.#downSinceMs === undefined ? {} : { [DOWN_SINCE_KEY]: String(this.#downSinceMs) };
  }
}
