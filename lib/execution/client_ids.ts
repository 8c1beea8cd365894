/**
 * Client order ids unique across restarts and processes: `<prefix>-<epoch>-<counter>`, with the
 * prefix taken from the strategy's configured id, the epoch (ms since the Unix epoch, base 36)
 * fixed when the first id is made, and a per-process counter (base 36). Only `[A-Za-z0-9_-]`,
 * at most 36 characters: valid as Bybit's `orderLinkId` and Binance's `newClientOrderId`.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";

/** Longest client order id both Bybit (36) and Binance (36) accept. */
export const MAX_CLIENT_ID_LENGTH = 36;
/**
 * Longest prefix: leaves room for a 9-digit epoch (ms in base 36 stays within 9 digits until
 * the year 5188), a 10-digit counter (3.6 × 10^15 orders) and two dashes.
 */
export const MAX_CLIENT_ID_PREFIX = 15;

/**
 * A strategy id as an id prefix: characters outside `[A-Za-z0-9_]` become `_` (the dash
 * separates the parts), cut to {@linkcode MAX_CLIENT_ID_PREFIX}; an empty id becomes `t`.
 */
export function clientIdPrefix(strategyId: string): string {
  const cleaned = strategyId.replace(/[^A-Za-z0-9_]/g, "_").slice(0, MAX_CLIENT_ID_PREFIX);
  return cleaned === "" ? "t" : cleaned;
}

/** The part of the generator a snapshot keeps. */
export interface ClientIdState {
  /** The prefix. */
  readonly prefix: string;
  /** The epoch in ms, once the first id was made. */
  readonly epochMs: number | undefined;
  /** How many ids were made. */
  readonly counter: number;
}

/** Makes client order ids; see the module doc for the format. */
export class ClientIds {
  readonly #prefix: string;
  readonly #epoch: () => Micros;
  #epochPart: string | undefined;
  #epochMs: number | undefined;
  #counter = 0;

  /**
   * Ids under `prefix` (already clean, see {@linkcode clientIdPrefix}); `epoch` is read once,
   * at the first id: the wall clock live, the run's own time in a backtest (so reruns make the
   * same ids).
   *
   * @throws {RangeError} for a prefix that is empty, too long or has characters outside
   * `[A-Za-z0-9_]`.
   */
  constructor(prefix: string, epoch: () => Micros) {
    if (!/^[A-Za-z0-9_]+$/.test(prefix) || prefix.length > MAX_CLIENT_ID_PREFIX) {
      throw new RangeError(
        `Client id prefix must be 1–${MAX_CLIENT_ID_PREFIX} characters of [A-Za-z0-9_], got "${prefix}"`,
      );
    }
    this.#prefix = prefix;
    this.#epoch = epoch;
  }

  /** The prefix every id starts with (followed by `-`). */
  get prefix(): string {
    return this.#prefix;
  }

  /** The next id. */
  next(): string {
    if (this.#epochPart === undefined) {
      this.#epochMs = Math.max(0, Math.floor(this.#epoch() / 1000));
      this.#epochPart = this.#epochMs.toString(36);
    }
    return `${this.#prefix}-${this.#epochPart}-${(++this.#counter).toString(36)}`;
  }

  /** Whether `clientOrderId` was made under this prefix (by this or any earlier process). */
  isOurs(clientOrderId: string): boolean {
    return isOurClientId(this.#prefix, clientOrderId);
  }

  /**
   * Moves the counter past `clientOrderId` when it is of this prefix and epoch, so this
   * generator never makes it (an order of ours the venue holds that this process does not know:
   * a lost state file, an intent never committed). Before the first id, its epoch is taken, as
   * a restore does. Ids of another epoch or prefix cannot collide: nothing to do.
   */
  moveBeyond(clientOrderId: string): void {
    const parsed = parseClientId(this.#prefix, clientOrderId);
    if (parsed === undefined) return;
    if (this.#epochMs === undefined) {
      this.#epochMs = parsed.epochMs;
      this.#epochPart = parsed.epochMs.toString(36);
    }
    if (parsed.epochMs === this.#epochMs) this.#counter = Math.max(this.#counter, parsed.counter);
  }

  /** What a snapshot keeps. */
  state(): ClientIdState {
    return { prefix: this.#prefix, epochMs: this.#epochMs, counter: this.#counter };
  }

  /**
   * Continues from a snapshot's state: same epoch and the counter after it, so a restarted
   * process never makes an id its predecessor made (a fresh epoch would do too; this keeps the
   * ids of one logical run in one series).
   *
   * @throws {RangeError} when the snapshot belongs to another prefix.
   */
  restore(state: ClientIdState): void {
    if (state.prefix !== this.#prefix) {
      throw new RangeError(
        `Client id snapshot has prefix "${state.prefix}", this OMS uses "${this.#prefix}"`,
      );
    }
    this.#epochMs = state.epochMs;
    this.#epochPart = state.epochMs === undefined ? undefined : state.epochMs.toString(36);
    this.#counter = Math.max(this.#counter, state.counter);
  }
}

/** Whether `clientOrderId` has the shape `<prefix>-<epoch>-<counter>` under `prefix`. */
export function isOurClientId(prefix: string, clientOrderId: string): boolean {
  return parseClientId(prefix, clientOrderId) !== undefined;
}

/** The epoch (ms) and counter of `clientOrderId` when it is `<prefix>-<epoch>-<counter>`. */
export function parseClientId(
  prefix: string,
  clientOrderId: string,
): { readonly epochMs: number; readonly counter: number } | undefined {
  if (!clientOrderId.startsWith(`${prefix}-`)) return undefined;
  const match = /^([0-9a-z]+)-([0-9a-z]+)$/.exec(clientOrderId.slice(prefix.length + 1));
  if (match === null) return undefined;
  return { epochMs: parseInt(match[1], 36), counter: parseInt(match[2], 36) };
}
