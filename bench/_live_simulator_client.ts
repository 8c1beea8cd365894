/**
 * The benches' handle on the simulator worker (bench/_live_simulator_worker.ts): start it, ask
 * it to print marker trades, stop it and read its ledger's counts.
 *
 * @module
 */

/** Where the started simulator listens. */
export interface SimulatorAddress {
  /** REST base URL. */
  readonly restUrl: string;
  /** Bybit public stream URL (`…/v5/public/linear`). */
  readonly wsPublicUrl: string;
}

/** The simulator's ledger at the stop. */
export interface LedgerCounts {
  /** Orders. */
  readonly orders: number;
  /** Distinct client order ids among them. */
  readonly clientIds: number;
  /** Orders by final status. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Fills. */
  readonly fills: number;
}

/** The simulator running in a worker. */
export class SimulatorWorker {
  readonly #worker = new Worker(new URL("./_live_simulator_worker.ts", import.meta.url), {
    type: "module",
  });
  readonly #waiting = new Map<string, (data: Record<string, unknown>) => void>();

  /** Starts the worker (the simulator starts with {@linkcode SimulatorWorker.start}). */
  constructor() {
    this.#worker.onmessage = (message: MessageEvent<Record<string, unknown>>) => {
      const kind = String(message.data.kind);
      this.#waiting.get(kind)?.(message.data);
      this.#waiting.delete(kind);
    };
  }

  #ask(message: Record<string, unknown>, answer: string): Promise<Record<string, unknown>> {
    const reply = new Promise<Record<string, unknown>>((resolve) =>
      this.#waiting.set(answer, resolve)
    );
    this.#worker.postMessage(message);
    return reply;
  }

  /** Starts the simulator (Bybit, rate limits lifted) with one account of 100,000 USDT. */
  async start(key: { apiKey: string; apiSecret: string }): Promise<SimulatorAddress> {
    const ready = await this.#ask({ kind: "start", ...key }, "ready");
    return { restUrl: String(ready.restUrl), wsPublicUrl: String(ready.wsPublicUrl) };
  }

  /** Prints `count` BTCUSDT trades of `quantity`, one every `intervalMs`; resolves after the last. */
  async trades(count: number, intervalMs: number, quantity: number): Promise<void> {
    await this.#ask({ kind: "trades", count, intervalMs, quantity }, "sent");
  }

  /** Stops the simulator and the worker; resolves with the ledger's counts. */
  async stop(): Promise<LedgerCounts> {
    const stopped = await this.#ask({ kind: "stop" }, "stopped");
    this.#worker.terminate();
    return {
      orders: Number(stopped.orders),
      clientIds: Number(stopped.clientIds),
      byStatus: (stopped.byStatus ?? {}) as Record<string, number>,
      fills: Number(stopped.fills),
    };
  }
}
