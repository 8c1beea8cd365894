/**
 * Bybit v5 private stream (`/v5/private`): `auth` with `HMAC(secret, "GET/realtime" +
 * expires)`, then the `order`, `execution`, `position` and `wallet` topics (also their
 * `.linear` names) of the authenticated account, and the private ping/pong.
 *
 * @module
 */

import { type Decimal, ZERO } from "../_lib.ts";
import type { CoreEvent } from "../exchange_types.ts";
import { hmacSha256Hex, signatureMatches } from "../signing.ts";
import { accountByKey, type VenueContext } from "../venue_context.ts";
import type { SimSocket } from "../ws_server.ts";
import { execution, fundingExecution, position, wallet, wsOrder } from "./shapes.ts";
import { connId } from "./ws_public.ts";

const TOPICS: Readonly<Record<string, "order" | "execution" | "position" | "wallet">> = {
  "order": "order",
  "order.linear": "order",
  "execution": "execution",
  "execution.linear": "execution",
  "position": "position",
  "position.linear": "position",
  "wallet": "wallet",
};

interface Session {
  accountId: number | undefined;
  readonly topics: Map<"order" | "execution" | "position" | "wallet", string>;
}

/** The private stream of one simulated Bybit. */
export class BybitPrivateStream {
  readonly #context: VenueContext;
  readonly #sessions = new Map<SimSocket, Session>();
  readonly #closedPnl = new Map<string, Decimal>();
  #messageId = 0;

  /** Serves the venue's accounts. */
  constructor(context: VenueContext) {
    this.#context = context;
    context.core.listen((event) => this.#publish(event));
  }

  /** Takes a new connection. */
  attach(socket: SimSocket): void {
    this.#sessions.set(socket, { accountId: undefined, topics: new Map() });
    socket.onMessage((text) => this.#onMessage(socket, text));
    socket.onClose(() => this.#sessions.delete(socket));
  }

  #onMessage(socket: SimSocket, text: string): void {
    const session = this.#sessions.get(socket);
    if (session === undefined) return;
    let message: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      socket.write(
        JSON.stringify({
          success: false,
          ret_msg: "error:invalid json",
          op: "",
          conn_id: connId(socket),
        }),
      );
      return;
    }
    const reqId = typeof message.req_id === "string" ? message.req_id : undefined;
    const op = typeof message.op === "string" ? message.op : "";
    const args = Array.isArray(message.args) ? message.args : [];
    const ack = (success: boolean, retMsg: string): void => {
      socket.write(JSON.stringify({
        success,
        ret_msg: retMsg,
        op,
        conn_id: connId(socket),
        ...(reqId === undefined ? {} : { req_id: reqId }),
      }));
    };
    switch (op) {
      case "ping":
        socket.write(JSON.stringify({
          req_id: reqId ?? "",
          op: "pong",
          args: [String(this.#context.clock.now())],
          conn_id: connId(socket),
        }));
        return;
      case "auth": {
        const [apiKey, expires, signature] = args;
        if (
          typeof apiKey !== "string" || typeof expires !== "number" || typeof signature !== "string"
        ) {
          ack(false, "Params Error: args must be [apiKey, expires (ms number), signature]");
          return;
        }
        const accountId = accountByKey(this.#context, apiKey);
        if (accountId === undefined) {
          ack(false, "Invalid apikey");
          return;
        }
        if (expires <= this.#context.clock.now()) {
          ack(
            false,
            `Params Error: expires ${expires} is in the past (server time ${this.#context.clock.now()})`,
          );
          return;
        }
        const secret = this.#context.core.account(accountId).apiSecret;
        if (!signatureMatches(hmacSha256Hex(secret, `GET/realtime${expires}`), signature)) {
          ack(false, "Error sign, please check your signature generation algorithm.");
          return;
        }
        session.accountId = accountId;
        ack(true, "");
        return;
      }
      case "subscribe":
      case "unsubscribe": {
        if (session.accountId === undefined) {
          ack(false, "Request not authorized");
          return;
        }
        const names = args.filter((a): a is string => typeof a === "string");
        const unknown = names.find((name) => TOPICS[name] === undefined);
        if (names.length === 0 || unknown !== undefined) {
          ack(false, `error:handler not found,topic:${unknown ?? "(none)"}`);
          return;
        }
        for (const name of names) {
          const topic = TOPICS[name];
          if (op === "subscribe") session.topics.set(topic, name);
          else session.topics.delete(topic);
        }
        ack(true, "");
        return;
      }
      default:
        ack(false, `error:unknown op ${op}`);
    }
  }

  #publish(event: CoreEvent): void {
    const accountId = event.kind === "order"
      ? event.order.accountId
      : event.kind === "fill"
      ? event.fill.accountId
      : event.kind === "funding"
      ? event.funding.accountId
      : event.accountId;
    if (event.kind === "fill") {
      const before = this.#closedPnl.get(event.fill.orderId) ?? ZERO;
      this.#closedPnl.set(
        event.fill.orderId,
        before.plus(event.fill.realizedPnl).minus(event.fill.fee),
      );
    }
    // Funding is an execution (execType Funding) on Bybit.
    const topic = event.kind === "fill" || event.kind === "funding" ? "execution" : event.kind;
    const rendered = new Map<string, string | undefined>();
    for (const [socket, session] of this.#sessions) {
      if (session.accountId !== accountId) continue;
      const name = session.topics.get(topic);
      if (name === undefined) continue;
      if (!rendered.has(name)) rendered.set(name, this.#render(event, name));
      const text = rendered.get(name);
      if (text !== undefined) socket.send(text);
    }
  }

  #render(event: CoreEvent, topic: string): string | undefined {
    const core = this.#context.core;
    const now = this.#context.clock.now();
    let data: unknown;
    switch (event.kind) {
      case "order": {
        const spec = core.instrument(event.order.code);
        if (spec === undefined) return undefined;
        data = wsOrder(event.order, spec, this.#closedPnl.get(event.order.orderId) ?? ZERO);
        break;
      }
      case "fill": {
        const spec = core.instrument(event.fill.code);
        const order = core.findOrder(event.fill.accountId, { orderId: event.fill.orderId });
        if (spec === undefined || order === undefined) return undefined;
        data = execution(event.fill, order, spec, core.markPrice(event.fill.code));
        break;
      }
      case "funding": {
        const spec = core.instrument(event.funding.code);
        if (spec === undefined) return undefined;
        data = fundingExecution(event.funding, spec);
        break;
      }
      case "position": {
        const spec = core.instrument(event.code);
        if (spec === undefined) return undefined;
        data = position(core, event.accountId, spec, now, true);
        break;
      }
      case "wallet":
        data = wallet(core, event.accountId);
        break;
      default: {
        const never: never = event;
        throw new TypeError(`Unknown core event ${String(never)}`);
      }
    }
    return JSON.stringify({
      id: `sim-${++this.#messageId}`,
      topic,
      creationTime: now,
      data: [data],
    });
  }
}
