/**
 * Client-side accounting of Binance USDⓈ-M limits: request weight per IP per minute
 * (`X-MBX-USED-WEIGHT-1M`, REQUEST_WEIGHT 2400) and new orders per account per 10 s and per
 * minute (`X-MBX-ORDER-COUNT-10S`/`-1M`, 300 / 1200). Windows are fixed (aligned to the epoch,
 * as Binance counts them). Every process on the IP and account shares them, so a request goes
 * out only if it fits both this process's configured share and a safety margin of what the
 * venue says the whole IP has used: the connector stops before a 429, not after. A 429 blocks
 * everything until `Retry-After`; a 418 (IP ban) halts: requests fail at once, without being
 * sent, until the ban lifts. Waiters are served by priority: cancels, then orders, then queries.
 *
 * @module
 */

import { ExchangeError } from "../../lib/domain/mod.ts";
import { VENUE } from "./symbols.ts";

/** Who is waiting: cancels (and kill switch) first, then new orders and amends, then queries. */
export type RequestPriority = "cancel" | "order" | "query";

const RANK: Readonly<Record<RequestPriority, number>> = { cancel: 0, order: 1, query: 2 };

/** The clock the limiter waits on; injectable so tests run in virtual time. */
export interface LimiterClock {
  /** Now, ms since the epoch. */
  readonly now: () => number;
  /** Resolves after `ms`. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** The venue's limits (exchangeInfo.rateLimits). */
export interface BinanceLimits {
  /** REQUEST_WEIGHT per minute per IP. */
  readonly weight1m: number;
  /** ORDERS per 10 seconds per account. */
  readonly orders10s: number;
  /** ORDERS per minute per account. */
  readonly orders1m: number;
}

/** The documented USDⓈ-M defaults. */
export const BINANCE_LIMITS: BinanceLimits = { weight1m: 2400, orders10s: 300, orders1m: 1200 };

/** Options of {@linkcode WeightLimiter}. */
export interface WeightLimiterOptions {
  /** This process's share of the IP's and account's limits, in (0, 1]. */
  readonly share: number;
  /** Time source. */
  readonly clock: LimiterClock;
  /** The limits (default {@linkcode BINANCE_LIMITS}). */
  readonly limits?: BinanceLimits;
  /** Part of a limit the whole IP/account may reach before we hold back (default 0.9). */
  readonly safety?: number;
}

/** What a request costs. */
export interface RequestCost {
  /** Request weight (IP). */
  readonly weight: number;
  /** Whether it counts as a new order (POST/PUT order, algo order). */
  readonly order: boolean;
  /** Lane. */
  readonly priority: RequestPriority;
}

class Window {
  start = 0;
  own = 0;
  venue = 0;
  constructor(readonly ms: number) {}

  roll(now: number): void {
    const start = Math.floor(now / this.ms) * this.ms;
    if (start !== this.start) {
      this.start = start;
      this.own = 0;
      this.venue = 0;
    }
  }

  /** Used in this window: what we spent, or what the venue reports for everyone if more. */
  used(): number {
    return Math.max(this.own, this.venue);
  }
}

interface Waiter {
  readonly rank: number;
  readonly cost: RequestCost;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** The limiter of one IP and account. */
export class WeightLimiter {
  readonly #share: number;
  readonly #clock: LimiterClock;
  readonly #limits: BinanceLimits;
  readonly #safety: number;
  readonly #weight = new Window(60_000);
  readonly #orders10s = new Window(10_000);
  readonly #orders1m = new Window(60_000);
  readonly #waiters: Waiter[] = [];
  #blockedUntil = 0;
  #bannedUntil = 0;
  #pumping = false;

  /** Makes a limiter at `share` of the limits. */
  constructor(options: WeightLimiterOptions) {
    if (!(options.share > 0 && options.share <= 1)) {
      throw new RangeError(`rate_limit_share must be in (0, 1], got ${options.share}`);
    }
    this.#share = options.share;
    this.#clock = options.clock;
    this.#limits = options.limits ?? BINANCE_LIMITS;
    this.#safety = options.safety ?? 0.9;
  }

  /** Resolves when a request of `cost` may be sent; rejects at once during an IP ban. */
  acquire(cost: RequestCost): Promise<void> {
    const banned = this.#banError();
    if (banned !== undefined) return Promise.reject(banned);
    if (this.#waiters.length === 0 && this.#waitMs(cost) === 0) {
      this.#spend(cost);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const rank = RANK[cost.priority];
      let at = this.#waiters.findIndex((waiter) => waiter.rank > rank);
      if (at < 0) at = this.#waiters.length;
      this.#waiters.splice(at, 0, { rank, cost, resolve, reject });
      void this.#pump();
    });
  }

  /** Takes the venue's counters from a response's headers (absent ones are left alone). */
  observe(headers: Headers): void {
    const now = this.#clock.now();
    const weight = header(headers, "X-MBX-USED-WEIGHT-1M");
    if (weight !== undefined) {
      this.#weight.roll(now);
      this.#weight.venue = Math.max(this.#weight.venue, weight);
    }
    const ten = header(headers, "X-MBX-ORDER-COUNT-10S");
    if (ten !== undefined) {
      this.#orders10s.roll(now);
      this.#orders10s.venue = Math.max(this.#orders10s.venue, ten);
    }
    const minute = header(headers, "X-MBX-ORDER-COUNT-1M");
    if (minute !== undefined) {
      this.#orders1m.roll(now);
      this.#orders1m.venue = Math.max(this.#orders1m.venue, minute);
    }
  }

  /** A 429: nothing is sent before `untilMs`. */
  block(untilMs: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, untilMs);
  }

  /** A 418: the IP is banned until `untilMs`; requests fail without being sent until then. */
  ban(untilMs: number): void {
    this.#bannedUntil = Math.max(this.#bannedUntil, untilMs);
    this.block(untilMs);
    const error = this.#banError();
    if (error === undefined) return;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  /** When the current IP ban lifts (ms; 0 or past = no ban). */
  get bannedUntil(): number {
    return this.#bannedUntil;
  }

  /** The used fraction of the IP's weight in this minute (for the rate-limit gauge). */
  usage(): number {
    this.#weight.roll(this.#clock.now());
    return this.#weight.used() / this.#limits.weight1m;
  }

  #banError(): ExchangeError | undefined {
    const now = this.#clock.now();
    if (this.#bannedUntil <= now) return undefined;
    return new ExchangeError(
      "rate-limit",
      `Binance banned this IP (HTTP 418) until ${new Date(this.#bannedUntil).toISOString()}`,
      {
        venue: VENUE,
        code: "http-418",
        hint:
          "nothing is sent until the ban lifts; lower rate_limit_share or stop other processes on this IP",
      },
    );
  }

  /** Ms until `cost` fits every window (0 = now). */
  #waitMs(cost: RequestCost): number {
    const now = this.#clock.now();
    if (this.#blockedUntil > now) return this.#blockedUntil - now;
    const limits = this.#limits;
    const waits = [
      this.#windowWait(this.#weight, cost.weight, limits.weight1m, now),
      cost.order ? this.#windowWait(this.#orders10s, 1, limits.orders10s, now) : 0,
      cost.order ? this.#windowWait(this.#orders1m, 1, limits.orders1m, now) : 0,
    ];
    return Math.max(...waits);
  }

  #windowWait(window: Window, cost: number, limit: number, now: number): number {
    window.roll(now);
    const fitsOurs = window.own + cost <= Math.max(cost, limit * this.#share);
    const fitsVenue = window.used() + cost <= limit * this.#safety;
    // Waiting for the next window is the only way counts go down (fixed windows).
    return fitsOurs && fitsVenue ? 0 : window.start + window.ms - now + 1;
  }

  #spend(cost: RequestCost): void {
    this.#weight.own += cost.weight;
    this.#weight.venue += cost.weight;
    if (cost.order) {
      this.#orders10s.own++;
      this.#orders10s.venue++;
      this.#orders1m.own++;
      this.#orders1m.venue++;
    }
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiters.length > 0) {
        const head = this.#waiters[0];
        const banned = this.#banError();
        if (banned !== undefined) {
          for (const waiter of this.#waiters.splice(0)) waiter.reject(banned);
          return;
        }
        const wait = this.#waitMs(head.cost);
        if (wait > 0) {
          await this.#clock.sleep(wait);
          continue;
        }
        this.#waiters.shift();
        this.#spend(head.cost);
        head.resolve();
      }
    } finally {
      this.#pumping = false;
    }
  }
}

function header(headers: Headers, name: string): number | undefined {
  const text = headers.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
