/**
 * The benches' handle on the simulator worker (bench/_live_simulator_worker.ts): start it, ask
 * it to print marker trades, stop it and read its ledger's counts; and the Bybit connector's
 * pieces a live session against it runs on.
 *
 * @module
 */

import { BybitExecutionClient } from "../connectors/bybit/execution_client.ts";
import { BybitPrivateStream } from "../connectors/bybit/private_stream.ts";
import type { LimiterClock, RateLimiter } from "../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../connectors/bybit/rest.ts";
import type { BybitCredentials } from "../connectors/bybit/signing.ts";
import type { Event } from "../lib/events/mod.ts";
import type { LiveExecution } from "../lib/live/mod.ts";

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

/** The Bybit connector's pieces a bench's live session runs on. */
export interface BybitLive {
  /** The signed REST transport (its clock already synchronised). */
  readonly rest: BybitRest;
  /** Order entry and queries. */
  readonly client: BybitExecutionClient;
  /** Live execution for `LiveRuntime`: the client and the private stream. */
  readonly execution: LiveExecution;
}

/**
 * The Bybit REST client, execution client and private stream against the simulator at
 * `address`, with `limiter` and, when given, `fetch` as the REST transport.
 */
export async function bybitLive(
  address: SimulatorAddress,
  key: BybitCredentials,
  options: {
    readonly limiter: (clock: LimiterClock) => RateLimiter;
    readonly fetch?: typeof fetch;
  },
): Promise<BybitLive> {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const rest = new BybitRest({
    baseUrl: address.restUrl,
    credentials: key,
    limiter: options.limiter({ now: () => Date.now(), sleep }),
    now: () => Date.now(),
    sleep,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  await rest.syncTime();
  const client = new BybitExecutionClient(rest, sleep);
  const wsBase = address.wsPublicUrl.replace(/\/v5\/public\/linear$/, "");
  const execution: LiveExecution = {
    kind: "venue",
    client,
    privateChannel: (sink: (event: Event) => void) => {
      const stream = new BybitPrivateStream({
        url: `${wsBase}/v5/private`,
        credentials: key,
        client,
        sink,
        serverOffsetMs: () => rest.offsetMs,
      });
      client.onOrderAccepted(() => stream.noteOrderAccepted());
      return { start: () => stream.start(), stop: () => stream.close() };
    },
  };
  return { rest, client, execution };
}
