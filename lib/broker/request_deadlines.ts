/**
 * Time limits of a REST layer's requests on one shared timer. Every request of a layer has the
 * same limit, so deadlines come in the order the requests started: the timer is armed for the
 * oldest request still in flight and, when it fires, aborts what is due and re-arms for the next.
 * An order sent while one timer is armed arms none (a timer per request cost its arming and
 * clearing on every order, on the path from the tick to the socket). The timer does not keep the
 * process alive (a request in flight does that through its socket), so it is never cleared.
 *
 * @module
 */

/** One request's part: the signal to hand to `fetch`, and the call that says it has ended. */
export interface RequestDeadline {
  /** Aborted when the request's time limit passes first. */
  readonly signal: AbortSignal;
  /** Whether the time limit aborted it (false until then). */
  readonly expired: boolean;
  /** Ends the request's time limit (call it once the answer is read or the request failed). */
  end(): void;
}

/** The clock and timer of {@linkcode RequestDeadlines} (the seam for tests). */
export interface DeadlineTimers {
  /** A monotonic clock, ms. */
  readonly now: () => number;
  /** Calls `fn` after `ms`; the timer must not keep the process alive. */
  readonly setTimer: (fn: () => void, ms: number) => void;
}

class Pending implements RequestDeadline {
  readonly #controller = new AbortController();
  ended = false;
  expired = false;

  constructor(readonly due: number) {}

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  end(): void {
    this.ended = true;
  }

  expire(): void {
    this.expired = true;
    this.ended = true;
    this.#controller.abort();
  }
}

const DENO_TIMERS: DeadlineTimers = {
  now: () => performance.now(),
  setTimer: (fn, ms) => Deno.unrefTimer(setTimeout(fn, ms)),
};

/** The time limits of one REST layer's requests (see the module doc). */
export class RequestDeadlines {
  readonly #limitMs: number;
  readonly #timers: DeadlineTimers;
  // In start order, hence in deadline order; ended ones are dropped from the front.
  #queue: Pending[] = [];
  #head = 0;
  #armed = false;

  /** Every request gets `limitMs` (`Infinity`: none); `timers` default to the runtime's. */
  constructor(limitMs: number, timers: DeadlineTimers = DENO_TIMERS) {
    if (!(limitMs > 0)) throw new RangeError(`a request time limit must be > 0 ms, got ${limitMs}`);
    this.#limitMs = limitMs;
    this.#timers = timers;
  }

  /** The limit of every request (ms). */
  get limitMs(): number {
    return this.#limitMs;
  }

  /** Starts the time limit of a request. */
  start(): RequestDeadline {
    const now = this.#timers.now();
    this.#drop(now);
    const pending = new Pending(now + this.#limitMs);
    this.#queue.push(pending);
    if (!this.#armed && this.#limitMs !== Infinity) this.#arm(this.#limitMs);
    return pending;
  }

  #arm(ms: number): void {
    this.#armed = true;
    this.#timers.setTimer(() => this.#fire(), ms);
  }

  #fire(): void {
    this.#armed = false;
    const now = this.#timers.now();
    this.#drop(now);
    const next = this.#queue[this.#head];
    if (next !== undefined) this.#arm(Math.max(next.due - now, 0));
  }

  // Drops the ended requests at the front and aborts the due ones, so the queue holds about what
  // is in flight (one entry when each order is answered before the next).
  #drop(now: number): void {
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const oldest = queue[this.#head] as Pending;
      if (!oldest.ended) {
        if (oldest.due > now) break;
        oldest.expire();
      }
      this.#head++;
    }
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
