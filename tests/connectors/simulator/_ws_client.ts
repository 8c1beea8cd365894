/**
 * A WebSocket test client: collects text messages and waits (bounded) for one that matches.
 */

/** A connected test client. */
export class WsClient {
  /** Every message received, parsed. */
  readonly messages: unknown[] = [];
  /** Raw texts. */
  readonly texts: string[] = [];
  /** The close event, once closed. */
  closed: { code: number; reason: string } | undefined;
  /** Whether an error event fired. */
  errored = false;
  readonly #socket: WebSocket;
  readonly #waiters: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      const text = String(event.data);
      this.texts.push(text);
      try {
        this.messages.push(JSON.parse(text));
      } catch {
        this.messages.push(text);
      }
      this.#wake();
    };
    socket.onerror = () => {
      this.errored = true;
      this.#wake();
    };
    socket.onclose = (event) => {
      this.closed = { code: event.code, reason: event.reason };
      this.#wake();
    };
  }

  /** Connects to `url`. */
  static async connect(url: string): Promise<WsClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    return new WsClient(socket);
  }

  /** Sends a JSON message. */
  send(message: unknown): void {
    this.#socket.send(JSON.stringify(message));
  }

  /** Waits until `predicate` holds (checked on every message and close), at most `ms`. */
  async until(predicate: () => boolean, ms = 2000, what = "condition"): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the first message (after index `from`) matching `predicate` and returns it. */
  async next<T = Record<string, unknown>>(
    predicate: (m: Record<string, unknown>) => boolean,
    from = 0,
    ms = 2000,
  ): Promise<T> {
    let found: unknown;
    await this.until(
      () => {
        found = this.messages.slice(from).find((m) =>
          typeof m === "object" && m !== null && predicate(m as Record<string, unknown>)
        );
        return found !== undefined;
      },
      ms,
      "a matching message",
    );
    return found as T;
  }

  /** Messages (objects) matching `predicate`. */
  all(predicate: (m: Record<string, unknown>) => boolean): Record<string, unknown>[] {
    return this.messages.filter((m): m is Record<string, unknown> =>
      typeof m === "object" && m !== null && predicate(m as Record<string, unknown>)
    );
  }

  /** Closes and waits for the close. */
  async close(): Promise<void> {
    if (this.closed !== undefined) return;
    this.#socket.close();
    await this.until(() => this.closed !== undefined, 2000, "close");
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
