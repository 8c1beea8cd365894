/**
 * The benches' handle on the simulator, in a worker (bench/_live_simulator_worker.ts) or a
 * process of its own (bench/_live_simulator_process.ts): start it, ask it to print marker
 * trades, stop it and read its ledger's counts; and the Bybit connector's pieces a live session
 * against it runs on.
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

/** A running simulator host: start it, ask it to print marker trades, stop it. */
export interface SimulatorHost {
  /** Starts the simulator (Bybit, rate limits lifted) with one account of 100,000 USDT. */
  start(key: { apiKey: string; apiSecret: string }): Promise<SimulatorAddress>;
  /** Prints `count` BTCUSDT trades of `quantity`, one every `intervalMs`; resolves after the last. */
  trades(count: number, intervalMs: number, quantity: number): Promise<void>;
  /** Stops the simulator and its host; resolves with the ledger's counts. */
  stop(): Promise<LedgerCounts>;
}

// Commands and answers of bench/_live_simulator_host.ts over some channel.
abstract class MessageHost implements SimulatorHost {
  readonly #waiting = new Map<string, (data: Record<string, unknown>) => void>();

  protected abstract send(message: Record<string, unknown>): void;
  protected abstract end(): Promise<void>;

  protected received(data: Record<string, unknown>): void {
    const kind = String(data.kind);
    this.#waiting.get(kind)?.(data);
    this.#waiting.delete(kind);
  }

  #ask(message: Record<string, unknown>, answer: string): Promise<Record<string, unknown>> {
    const reply = new Promise<Record<string, unknown>>((resolve) =>
      this.#waiting.set(answer, resolve)
    );
    this.send(message);
    return reply;
  }

  async start(key: { apiKey: string; apiSecret: string }): Promise<SimulatorAddress> {
    const ready = await this.#ask({ kind: "start", ...key }, "ready");
    return { restUrl: String(ready.restUrl), wsPublicUrl: String(ready.wsPublicUrl) };
  }

  async trades(count: number, intervalMs: number, quantity: number): Promise<void> {
    await this.#ask({ kind: "trades", count, intervalMs, quantity }, "sent");
  }

  async stop(): Promise<LedgerCounts> {
    const stopped = await this.#ask({ kind: "stop" }, "stopped");
    await this.end();
    return {
      orders: Number(stopped.orders),
      clientIds: Number(stopped.clientIds),
      byStatus: (stopped.byStatus ?? {}) as Record<string, number>,
      fills: Number(stopped.fills),
    };
  }
}

/** The simulator running in a worker of this process. */
export class SimulatorWorker extends MessageHost {
  readonly #worker = new Worker(new URL("./_live_simulator_worker.ts", import.meta.url), {
    type: "module",
  });

  /** Starts the worker (the simulator starts with {@linkcode SimulatorWorker.start}). */
  constructor() {
    super();
    this.#worker.onmessage = (message: MessageEvent<Record<string, unknown>>) =>
      this.received(message.data);
  }

  protected send(message: Record<string, unknown>): void {
    this.#worker.postMessage(message);
  }

  protected end(): Promise<void> {
    this.#worker.terminate();
    return Promise.resolve();
  }
}

/**
 * The simulator running in a child process (bench/_live_simulator_process.ts), pinned with
 * `taskset -c <cpus>` when `cpus` is given (e.g. `"1"`), so that its work neither runs on the
 * bench's CPU nor preempts the bench's thread there.
 */
export class SimulatorProcess extends MessageHost {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reading: Promise<void>;

  /** Spawns the process (the simulator starts with {@linkcode SimulatorProcess.start}). */
  constructor(cpus?: string) {
    super();
    const script = new URL("./_live_simulator_process.ts", import.meta.url).pathname;
    const deno = [
      "run",
      "--no-prompt",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      script,
    ];
    const command = cpus === undefined
      ? new Deno.Command(Deno.execPath(), { args: deno, stdin: "piped", stdout: "piped" })
      : new Deno.Command("taskset", {
        args: ["-c", cpus, Deno.execPath(), ...deno],
        stdin: "piped",
        stdout: "piped",
      });
    this.#child = command.spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#reading = this.#read();
  }

  async #read(): Promise<void> {
    let pending = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      pending += chunk;
      for (let at = pending.indexOf("\n"); at >= 0; at = pending.indexOf("\n")) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 1);
        if (line.trim() !== "") this.received(JSON.parse(line) as Record<string, unknown>);
      }
    }
  }

  protected send(message: Record<string, unknown>): void {
    this.#writer.write(new TextEncoder().encode(`${JSON.stringify(message)}\n`)).catch(() => {});
  }

  protected async end(): Promise<void> {
    await this.#writer.close().catch(() => {});
    await this.#child.status;
    await this.#reading;
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
