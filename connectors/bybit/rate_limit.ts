/**
 * Client-side rate limiting for Bybit's per-UID, per-endpoint limits (rolling 1 s) and the
 * per-IP limit (600 per 5 s): one token bucket per endpoint plus one for the IP, each sized
 * to this process's configured share, corrected by the venue's `X-Bapi-Limit-Status` /
 * `X-Bapi-Limit-Reset-Timestamp` headers, and blocked until the reset time after a 10006/429.
 * Waiters are served by priority: cancels before new orders before queries.
 *
 * @module
 */

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

/** Documented default limits per second (linear), before the share is applied. */
export const BYBIT_ENDPOINT_LIMITS: Readonly<Record<string, number>> = {
  "/v5/order/create": 10,
  "/v5/order/amend": 10,
  "/v5/order/cancel": 10,
  "/v5/order/cancel-all": 10,
  "/v5/order/realtime": 50,
  "/v5/order/history": 50,
  "/v5/execution/list": 50,
  "/v5/position/list": 50,
  "/v5/position/set-leverage": 10,
  "/v5/account/wallet-balance": 50,
};

/** Per-IP: 600 requests per 5 s. */
const IP_PER_SECOND = 120;
/** Endpoints without a documented UID limit are held to this. */
const DEFAULT_PER_SECOND = 10;

interface Waiter {
  readonly rank: number;
  readonly resolve: () => void;
}

/** A token bucket refilled continuously, with a hard block until a reset time. */
class Bucket {
  #tokens: number;
  #last: number;
  #blockedUntil = 0;
  #pumping = false;
  readonly #waiters: Waiter[] = [];

  constructor(
    readonly capacity: number,
    readonly perMs: number,
    readonly clock: LimiterClock,
  ) {
    this.#tokens = capacity;
    this.#last = clock.now();
  }

  #refill(now: number): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#last) * this.perMs);
    this.#last = now;
  }

  /** Ms until a token is free (0 = now). */
  #wait(now: number): number {
    if (this.#blockedUntil > now) return this.#blockedUntil - now;
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.perMs);
  }

  /** Whether a token is free now and nobody waits for one (the next take would not wait). */
  free(now: number): boolean {
    return this.#waiters.length === 0 && this.#wait(now) === 0;
  }

  /** Takes a token {@linkcode Bucket.free} said was free. */
  takeFree(): void {
    this.#tokens -= 1;
  }

  take(priority: RequestPriority): Promise<void> {
    if (this.#waiters.length === 0 && this.#wait(this.clock.now()) === 0) {
      this.#tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const rank = RANK[priority];
      let at = this.#waiters.findIndex((waiter) => waiter.rank > rank);
      if (at < 0) at = this.#waiters.length;
      this.#waiters.splice(at, 0, { rank, resolve });
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiters.length > 0) {
        const wait = this.#wait(this.clock.now());
        if (wait > 0) {
          await this.clock.sleep(wait);
          continue;
        }
        this.#tokens -= 1;
        this.#waiters.shift()?.resolve();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** The venue says only `allowed` more requests fit: never believe we have more. */
  observe(allowed: number): void {
    this.#refill(this.clock.now());
    this.#tokens = Math.min(this.#tokens, allowed);
  }

  block(untilMs: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, untilMs);
    this.#tokens = Math.min(this.#tokens, 0);
  }

  get blockedUntil(): number {
    return this.#blockedUntil;
  }
}

/** Options of {@linkcode RateLimiter}. */
export interface RateLimiterOptions {
  /** This process's share of the account's and IP's limits, in (0, 1]. */
  readonly share: number;
  /** Time source. */
  readonly clock: LimiterClock;
}

/** The limiter of one account (UID) and IP. */
export class RateLimiter {
  readonly #share: number;
  readonly #clock: LimiterClock;
  readonly #buckets = new Map<string, { bucket: Bucket; limit: number }>();
  readonly #ip: Bucket;

  /** Makes a limiter with every bucket at `share` of the documented limits. */
  constructor(options: RateLimiterOptions) {
    if (!(options.share > 0 && options.share <= 1)) {
      throw new RangeError(`rate_limit_share must be in (0, 1], got ${options.share}`);
    }
    this.#share = options.share;
    this.#clock = options.clock;
    this.#ip = this.#make(IP_PER_SECOND).bucket;
  }

  #make(limit: number): { bucket: Bucket; limit: number } {
    const perSecond = Math.max(limit * this.#share, 0.1);
    return {
      bucket: new Bucket(Math.max(1, Math.floor(perSecond)), perSecond / 1000, this.#clock),
      limit,
    };
  }

  #bucket(endpoint: string): { bucket: Bucket; limit: number } {
    let entry = this.#buckets.get(endpoint);
    if (entry === undefined) {
      entry = this.#make(BYBIT_ENDPOINT_LIMITS[endpoint] ?? DEFAULT_PER_SECOND);
      this.#buckets.set(endpoint, entry);
    }
    return entry;
  }

  /** Resolves when `endpoint` may be called; higher priorities are served first. */
  async acquire(endpoint: string, priority: RequestPriority): Promise<void> {
    await this.#bucket(endpoint).bucket.take(priority);
    await this.#ip.take(priority);
  }

  /**
   * Takes a token of `endpoint` and one of the IP when both are free now and nobody waits for
   * them, and says so; otherwise takes nothing and answers false (then {@linkcode
   * RateLimiter.acquire} waits). The order path calls it first: a free token costs no await.
   */
  tryAcquire(endpoint: string): boolean {
    const { bucket } = this.#bucket(endpoint);
    const now = this.#clock.now();
    if (!bucket.free(now) || !this.#ip.free(now)) return false;
    bucket.takeFree();
    this.#ip.takeFree();
    return true;
  }

  /**
   * Corrects the local count from the response headers: `remaining` of the account's limit
   * (`X-Bapi-Limit-Status`), which resets at `resetMs`.
   */
  observe(endpoint: string, remaining: number, resetMs: number | undefined): void {
    const { bucket, limit } = this.#bucket(endpoint);
    // Our share of what the venue says is left for the whole account.
    const ours = Math.floor(remaining * this.#share);
    bucket.observe(Math.min(ours, limit));
    if (ours <= 0 && resetMs !== undefined) bucket.block(resetMs);
  }

  /** The venue refused for rate (10006/429): nothing goes to `endpoint` before `untilMs`. */
  blockEndpoint(endpoint: string, untilMs: number): void {
    this.#bucket(endpoint).bucket.block(untilMs);
  }

  /** An IP ban (HTTP 403): nothing goes anywhere before `untilMs`. */
  blockAll(untilMs: number): void {
    this.#ip.block(untilMs);
  }

  /** When `endpoint` is blocked until (ms; 0 = not blocked). */
  blockedUntil(endpoint: string): number {
    return Math.max(this.#bucket(endpoint).bucket.blockedUntil, this.#ip.blockedUntil);
  }
}
