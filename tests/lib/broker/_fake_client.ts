// A base for fake Promise execution clients: the account queries answer empty (and know no order
// by id), so a test only writes the order calls it exercises.
import type { AmendRequest, ExecutionClient } from "../../../lib/broker/mod.ts";
import type {
  Instrument,
  Order,
  OrderRequest,
  Position,
  SymbolId,
} from "../../../lib/domain/mod.ts";
import type { Balance } from "../../../lib/domain/mod.ts";

/** A client for venue `bybit` whose queries answer empty lists. */
export abstract class FakeExecutionClient implements ExecutionClient {
  readonly venue = "bybit";
  abstract placeOrder(request: OrderRequest): Promise<Order>;
  abstract cancelOrder(symbol: SymbolId, clientOrderId: string): Promise<Order>;
  abstract amendOrder(request: AmendRequest): Promise<Order>;
  openOrders(): Promise<readonly Order[]> {
    return Promise.resolve([]);
  }
  orderByClientId(): Promise<Order | undefined> {
    return Promise.resolve(undefined);
  }
  positions(): Promise<readonly Position[]> {
    return Promise.resolve([]);
  }
  balances(): Promise<readonly Balance[]> {
    return Promise.resolve([]);
  }
  instruments(): Promise<readonly Instrument[]> {
    return Promise.resolve([]);
  }
}
