/**
 * The execution channel (a live venue's private stream) run under the {@linkcode Supervisor}:
 * each supervised run makes the channel and starts it (connect, authenticate, subscribe, catch
 * up) and reports `up()`; the connector's own reconnects, which it announces as `execution`
 * connectivity events, are reported as `down`/`up`, so the supervisor counts a failure only for
 * a backoff spent down and opens the circuit on repeated ones. A start that fails is retried
 * by the supervisor after its backoff — except the very first: a channel that cannot start at
 * all (a refused key) fails the start of the session as it did without supervision.
 *
 * @module
 */

import type { ConnectivityEvent, Event } from "../events/mod.ts";
import type { PrivateChannel } from "./live_execution.ts";
import type { SupervisedTaskContext, Supervisor } from "./ops/supervisor.ts";

/** Where a private channel catches up from (`LiveExecution.privateChannel`'s `resume`). */
export interface ChannelResume {
  /** Catch up from this time (ms since the epoch). */
  readonly sinceMs: number;
}

/** Options of {@linkcode supervisedChannel}. */
export interface SupervisedChannelOptions {
  /** Runs the channel's task. */
  readonly supervisor: Supervisor;
  /** The task's name, e.g. `execution:bybit`. */
  readonly name: string;
  /** Every connectivity change the channel reports. */
  readonly onConnectivity?: (event: ConnectivityEvent) => void;
}

/**
 * Wraps a private-channel factory (what `LiveExecution.privateChannel` is) so that the channel
 * it makes runs under `options.supervisor`.
 *
 * @example
 * ```ts
 * import { supervisedChannel, Supervisor } from "@tesser/tesser/live";
 * import { WallClock, WallSleeper } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const clock = new WallClock();
 * const supervisor = new Supervisor({ clock, sleeper: new WallSleeper(clock) });
 * const make = supervisedChannel(
 *   () => ({ start: () => Promise.resolve(), stop: () => Promise.resolve() }),
 *   { supervisor, name: "execution:demo" },
 * );
 * const channel = make(() => {});
 * await channel.start();
 * assert.equal(supervisor.status()[0].state, "up");
 * await channel.stop();
 * assert.equal(supervisor.status()[0].state, "stopped");
 * ```
 */
export function supervisedChannel(
  make: (sink: (event: Event) => void, resume?: ChannelResume) => PrivateChannel,
  options: SupervisedChannelOptions,
): (sink: (event: Event) => void, resume?: ChannelResume) => PrivateChannel {
  const { supervisor, name } = options;
  return (sink, resume) => {
    // A restarted channel is a new stream that remembers nothing: it catches up from the last
    // event the previous one delivered (a fill delivered twice is booked once, by trade id).
    let since = resume;
    let started = false;
    let everUp = false;
    // The channel of the current run, once it is up (a catch-up is asked of it).
    let current: PrivateChannel | undefined;
    // The channel made last (its clock offset is asked between runs too).
    let latest: PrivateChannel | undefined;
    let resolveReady: (() => void) | undefined;
    let rejectReady: ((error: unknown) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    ready.catch(() => {});
    const run = async (context: SupervisedTaskContext): Promise<void> => {
      const relay = (event: Event): void => {
        since = { sinceMs: Math.floor(event.tsRecv / 1000) };
        if (event.kind === "connectivity" && event.channel === "execution") {
          options.onConnectivity?.(event);
          if (event.state === "up") context.up();
          else if (event.state === "down") context.down(event.reason ?? "connection lost");
        }
        sink(event);
      };
      const channel = since === undefined ? make(relay) : make(relay, since);
      latest = channel;
      const aborted = new Promise<void>((resolve) =>
        context.signal.addEventListener("abort", () => resolve(), { once: true })
      );
      try {
        await Promise.race([channel.start(), aborted]);
      } catch (error) {
        await channel.stop().catch(() => {});
        if (!everUp) rejectReady?.(error);
        throw error;
      }
      if (!context.signal.aborted) {
        everUp = true;
        current = channel;
        context.up();
        resolveReady?.();
      }
      await aborted;
      if (current === channel) current = undefined;
      await channel.stop();
    };
    return {
      start(): Promise<void> {
        if (!started) {
          started = true;
          supervisor.start({ name, run });
        }
        return ready;
      },
      catchUp(working): Promise<void> {
        // Between runs nothing can be fetched: the pass counts the history as unknown.
        if (current === undefined) {
          return Promise.reject(new TypeError(`${name}: not up, no catch-up`));
        }
        return current.catchUp?.(working) ?? Promise.resolve();
      },
      venueOffsetMs(): number {
        return latest?.venueOffsetMs?.() ?? 0;
      },
      async stop(): Promise<void> {
        rejectReady?.(new TypeError(`${name}: stopped before it was up`));
        if (started) await supervisor.stopTask(name);
      },
    };
  };
}
