/**
 * Binance user-data listenKeys: one per account, valid 60 minutes after its creation or
 * last keepalive (PUT); a POST while one is active returns the same key and extends it. An
 * expired key answers -1125, and its streams get `listenKeyExpired` and are closed.
 *
 * @module
 */

import { hmacSha256Hex } from "../signing.ts";
import type { VenueContext } from "../venue_context.ts";

/** How long a listenKey lives without a keepalive, ms. */
export const LISTEN_KEY_TTL_MS = 60 * 60_000;

interface Entry {
  readonly key: string;
  readonly accountId: number;
  expiresAt: number;
}

/** The listenKeys of one simulated Binance. */
export class ListenKeys {
  readonly #context: VenueContext;
  readonly #byKey = new Map<string, Entry>();
  readonly #expiredListeners: ((key: string, accountId: number) => void)[] = [];
  #issued = 0;

  /** Issues keys for `context`'s accounts. */
  constructor(context: VenueContext) {
    this.#context = context;
  }

  /** Calls `listener` when a key expires. */
  onExpired(listener: (key: string, accountId: number) => void): void {
    this.#expiredListeners.push(listener);
  }

  /** POST: the account's active key (extended) or a new one. */
  create(accountId: number): string {
    this.check();
    const now = this.#context.clock.now();
    for (const entry of this.#byKey.values()) {
      if (entry.accountId === accountId) {
        entry.expiresAt = now + LISTEN_KEY_TTL_MS;
        return entry.key;
      }
    }
    const secret = this.#context.core.account(accountId).apiSecret;
    const key = hmacSha256Hex(secret, `listenKey:${accountId}:${++this.#issued}`);
    this.#byKey.set(key, { key, accountId, expiresAt: now + LISTEN_KEY_TTL_MS });
    return key;
  }

  /** PUT: extends the account's key; false when it has none (expired or never made). */
  keepAlive(accountId: number, key: string | undefined): string | undefined {
    this.check();
    for (const entry of this.#byKey.values()) {
      if (entry.accountId === accountId && (key === undefined || key === entry.key)) {
        entry.expiresAt = this.#context.clock.now() + LISTEN_KEY_TTL_MS;
        return entry.key;
      }
    }
    return undefined;
  }

  /** DELETE: closes the account's key. */
  close(accountId: number): void {
    for (const [key, entry] of this.#byKey) {
      if (entry.accountId === accountId) this.#expire(key, entry);
    }
  }

  /** The account of a valid key. */
  accountOf(key: string): number | undefined {
    this.check();
    return this.#byKey.get(key)?.accountId;
  }

  /** Expires the keys whose time ran out. */
  check(): void {
    const now = this.#context.clock.now();
    for (const [key, entry] of this.#byKey) if (entry.expiresAt <= now) this.#expire(key, entry);
  }

  /** Expires every key now (the listen-key-expire fault); returns how many. */
  expireAll(): number {
    const entries = [...this.#byKey];
    for (const [key, entry] of entries) this.#expire(key, entry);
    return entries.length;
  }

  #expire(key: string, entry: Entry): void {
    this.#byKey.delete(key);
    for (const listener of this.#expiredListeners) listener(key, entry.accountId);
  }
}
