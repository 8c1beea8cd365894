/**
 * The control endpoint under `/__sim/` on the REST port, for tests that run the simulator
 * as a separate process: read the ledger and the fault log, inject faults, move the market.
 *
 * - `GET /__sim/ledger` → `{orders, fills}` (latest state of every order, every fill)
 * - `GET /__sim/faults` → `{pending, log}`
 * - `POST /__sim/faults` with a fault spec (JSON, as `FaultSpec`) → `{ok: true}`
 * - `POST /__sim/book` with `{code, bids, asks, snapshot}` → `{ok: true}`
 * - `POST /__sim/trade` with `{code, side, price, quantity}` → `{ok: true}`
 *
 * @module
 */

import type { FaultSpec } from "./faults.ts";
import type { Level } from "./market_feed.ts";
import type { VenueContext } from "./venue_context.ts";

/** The path prefix of the control endpoint. */
export const CONTROL_PREFIX = "/__sim/";

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function levels(value: unknown, name: string): readonly Level[] {
  if (!Array.isArray(value)) throw new RangeError(`${name} must be an array of [price, size]`);
  return value.map((row) => {
    if (
      !Array.isArray(row) || row.length !== 2 || typeof row[0] !== "number" ||
      typeof row[1] !== "number"
    ) {
      throw new RangeError(
        `${name} must be an array of [price, size] numbers, got ${JSON.stringify(row)}`,
      );
    }
    return [row[0], row[1]] as const;
  });
}

/** Answers a control request. */
export async function handleControl(context: VenueContext, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname.slice(CONTROL_PREFIX.length);
  const route = `${request.method} ${path}`;
  try {
    switch (route) {
      case "GET ledger":
        return json({ orders: context.core.ledger.orders(), fills: context.core.ledger.fills() });
      case "GET faults":
        return json({ pending: context.faults.pending(), log: context.faults.log() });
      case "POST faults": {
        context.faults.inject(await request.json() as FaultSpec);
        return json({ ok: true });
      }
      case "POST book": {
        const body = await request.json() as Record<string, unknown>;
        const code = String(body.code);
        const bids = levels(body.bids ?? [], "bids");
        const asks = levels(body.asks ?? [], "asks");
        if (body.snapshot === true) context.feed.setBook(code, bids, asks);
        else context.feed.updateBook(code, bids, asks);
        return json({ ok: true });
      }
      case "POST trade": {
        const body = await request.json() as Record<string, unknown>;
        if (body.side !== "buy" && body.side !== "sell") {
          throw new RangeError(`side must be buy or sell, got ${JSON.stringify(body.side)}`);
        }
        if (typeof body.price !== "number" || typeof body.quantity !== "number") {
          throw new RangeError("price and quantity must be numbers");
        }
        context.feed.trade(String(body.code), body.side, body.price, body.quantity);
        return json({ ok: true });
      }
      default:
        return json({ error: `unknown control route ${route} (ledger, faults, book, trade)` }, 404);
    }
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError || error instanceof TypeError) {
      return json({ error: error.message }, 400);
    }
    throw error;
  }
}
