/**
 * The outbox: a venue port that records each order command's intent in the state store before
 * the command leaves, so a restart knows every request the venue may have.
 *
 * @module
 */

import type { VenuePort } from "../broker/mod.ts";
import type { Micros } from "../domain/mod.ts";
import type { OrderCommand } from "../events/mod.ts";
import type { LiveStore } from "./state/mod.ts";

/** What the outbox needs from the runtime. */
export interface OutboxOptions {
  /** Where intents are recorded. */
  readonly store: LiveStore;
  /** The session clock (µs), the time of each intent. */
  readonly now: () => Micros;
  /**
   * Hold commands until the state that made them is committed (a live venue); paper commands
   * leave once their intent is recorded.
   */
  readonly commitFirst: boolean;
  /** Commits the session's state; throws when the store cannot. */
  readonly commit: () => void;
  /** A commit failed: `held` commands were not sent. */
  readonly commitFailed: (error: unknown, held: number) => void;
}

/**
 * Wraps `port` in the outbox. With `commitFirst` the commands a handler sends are held until
 * it has finished (a microtask), then one commit and the sends: a process killed at any point
 * restarts knowing every request the venue may have (a TWAP's parent counts each child; a
 * commit only per event taken missed the slices its timers send). A failed commit sends
 * nothing: the restart settles those intents.
 */
export function withOutbox(port: VenuePort, options: OutboxOptions): VenuePort {
  const { store } = options;
  const held: OrderCommand[] = [];
  const release = (): void => {
    const commands = held.splice(0);
    try {
      options.commit();
    } catch (error) {
      // Not thrown from this microtask (an uncaught exception would skip the shutdown): the
      // run stops and ends with the error.
      options.commitFailed(error, commands.length);
      return;
    }
    for (const command of commands) port.send(command);
  };
  return {
    venue: port.venue,
    ...(port.capabilities === undefined ? {} : { capabilities: port.capabilities }),
    send: (command: OrderCommand): void => {
      const clientOrderId = command.type === "submit"
        ? command.request.clientOrderId
        : command.clientOrderId;
      store.recordIntent({ clientOrderId, command, ts: options.now() });
      if (!options.commitFirst) {
        port.send(command);
        return;
      }
      held.push(command);
      if (held.length === 1) queueMicrotask(release);
    },
  };
}
