// Fills and order commands as JSON text and back, decimals as their exact strings; shared by
// the store engines. Text read back from a file is checked field by field: a damaged row is a
// DataError naming the row, never a half-built fill.

import { DataError, decimal, type Fill, type JsonValue } from "../../domain/mod.ts";
import type { OrderCommand } from "../../events/mod.ts";
import { requestFromSnapshot, requestToSnapshot } from "../../execution/mod.ts";
import type { RequestSnapshot } from "../../execution/mod.ts";

type JsonObject = { readonly [key: string]: JsonValue };

function object(value: unknown, where: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DataError(`${where}: expected a JSON object`);
  }
  return value as JsonObject;
}

function text(data: JsonObject, key: string, where: string): string {
  const value = data[key];
  if (typeof value !== "string") throw new DataError(`${where}: "${key}" must be a string`);
  return value;
}

/** Parses JSON text read from a state file; a DataError names where it came from. */
export function parseJson(source: string, where: string): unknown {
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new DataError(`${where}: not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** A fill as JSON text. */
export function fillToJson(fill: Fill): string {
  return JSON.stringify({
    orderId: fill.orderId,
    clientOrderId: fill.clientOrderId,
    symbol: fill.symbol,
    side: fill.side,
    price: fill.price.toString(),
    quantity: fill.quantity.toString(),
    fee: fill.fee.toString(),
    feeCurrency: fill.feeCurrency,
    liquidity: fill.liquidity,
    tradeId: fill.tradeId,
  });
}

/** A fill from {@linkcode fillToJson} text. */
export function fillFromJson(source: string, where: string): Fill {
  const data = object(parseJson(source, where), where);
  const side = text(data, "side", where);
  const liquidity = text(data, "liquidity", where);
  if (side !== "buy" && side !== "sell") throw new DataError(`${where}: bad side "${side}"`);
  if (liquidity !== "maker" && liquidity !== "taker") {
    throw new DataError(`${where}: bad liquidity "${liquidity}"`);
  }
  try {
    return {
      orderId: text(data, "orderId", where),
      clientOrderId: text(data, "clientOrderId", where),
      symbol: text(data, "symbol", where),
      side,
      price: decimal(text(data, "price", where)),
      quantity: decimal(text(data, "quantity", where)),
      fee: decimal(text(data, "fee", where)),
      feeCurrency: text(data, "feeCurrency", where),
      liquidity,
      tradeId: text(data, "tradeId", where),
    };
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** An order command as JSON text. */
export function commandToJson(command: OrderCommand): string {
  switch (command.type) {
    case "submit":
      return JSON.stringify({ type: "submit", request: requestToSnapshot(command.request) });
    case "cancel":
      return JSON.stringify(command);
    case "amend":
      return JSON.stringify({
        type: "amend",
        symbol: command.symbol,
        clientOrderId: command.clientOrderId,
        ...(command.price === undefined ? {} : { price: command.price.toString() }),
        ...(command.quantity === undefined ? {} : { quantity: command.quantity.toString() }),
      });
    default: {
      const unknown: never = command;
      throw new TypeError(`Unknown order command ${JSON.stringify(unknown)}`);
    }
  }
}

/** An order command from {@linkcode commandToJson} text. */
export function commandFromJson(source: string, where: string): OrderCommand {
  const data = object(parseJson(source, where), where);
  const type = text(data, "type", where);
  try {
    switch (type) {
      case "submit":
        return {
          type: "submit",
          request: requestFromSnapshot(
            object(data.request, `${where} request`) as unknown as RequestSnapshot,
          ),
        };
      case "cancel":
        return {
          type: "cancel",
          symbol: text(data, "symbol", where),
          clientOrderId: text(data, "clientOrderId", where),
        };
      case "amend":
        return {
          type: "amend",
          symbol: text(data, "symbol", where),
          clientOrderId: text(data, "clientOrderId", where),
          ...(typeof data.price === "string" ? { price: decimal(data.price) } : {}),
          ...(typeof data.quantity === "string" ? { quantity: decimal(data.quantity) } : {}),
        };
      default:
        throw new DataError(`${where}: unknown command type "${type}"`);
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}
