/**
 * What a stopped `tesser live run` left in its state file, checked against the simulator's
 * ledger and account: every fill by trade id (side, price, quantity, fee, client id), the
 * position, the wallet, the working orders, and no client id placed twice.
 *
 * @module
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { Simulator } from "../../connectors/simulator/simulator.ts";
import { storedFills } from "./_live_cli.ts";

/** The parts of the CLI's `--json` summary the checks read. */
export interface RunSummary {
  /** Orders the OMS submitted. */
  readonly orders: number;
  /** Fills booked. */
  readonly fills: number;
}

/** Our state's position, wallet and working orders (client ids). */
export interface StoredBook {
  /** Position quantity by symbol (exact text). */
  readonly positions: ReadonlyMap<string, string>;
  /** Wallet balance by currency (exact text). */
  readonly balances: ReadonlyMap<string, string>;
  /** Client ids of the working orders. */
  readonly working: readonly string[];
}

/** Reads positions, balances and working orders of a state file. */
export function storedBook(statePath: string): StoredBook {
  const db = new DatabaseSync(statePath, { readOnly: true });
  try {
    const positions = new Map(
      db.prepare("SELECT symbol, quantity FROM positions").all().map((r) => [
        String(r.symbol),
        String(r.quantity),
      ]),
    );
    const balances = new Map(
      db.prepare("SELECT currency, amount FROM balances").all().map((r) => [
        String(r.currency),
        String(r.amount),
      ]),
    );
    const working = db.prepare("SELECT client_order_id FROM orders").all().map((r) =>
      String(r.client_order_id)
    );
    return { positions, balances, working };
  } finally {
    db.close();
  }
}

/**
 * Asserts that the state file of a stopped run equals the simulator's ledger for account 0 and
 * venue code `code` (traded as `symbol`); returns the number of fills compared.
 */
export function assertStateMatchesLedger(
  sim: Simulator,
  statePath: string,
  symbol: string,
  code: string,
): number {
  const ledger = sim.ledger.fills({ accountId: 0, code });
  const ours = storedFills(statePath);
  const byId = (a: { id: string }, b: { id: string }): number => a.id < b.id ? -1 : 1;
  assert.deepEqual(
    ours.map((f) => ({
      id: f.tradeId,
      clientId: f.clientOrderId,
      side: f.side,
      price: f.price,
      quantity: f.quantity,
      fee: f.fee,
    })).sort(byId),
    ledger.map((f) => ({
      id: f.execId,
      clientId: String(f.clientId),
      side: f.side,
      price: f.price.toString(),
      quantity: f.quantity.toString(),
      fee: f.fee.toString(),
    })).sort(byId),
    "the fills in the state file are not the venue's",
  );
  const book = storedBook(statePath);
  const account = sim.exchange.account(0);
  assert.equal(
    book.positions.get(symbol) ?? "0",
    account.position(code, sim.clock.now()).size.toString(),
    "position",
  );
  // The venue books each closing fill's PnL to 8 decimals; our portfolio keeps the exact
  // decimals of its average entry. Each closing fill may therefore differ by half a unit of the
  // 8th decimal, and no more: fees are compared exactly above.
  const closing = ledger.filter((f) => !f.closedSize.isZero()).length;
  const wallet = Number(book.balances.get("USDT") ?? NaN) - account.wallet.toNumber();
  assert.ok(
    Math.abs(wallet) <= 5e-9 * closing + 1e-9,
    `wallet ${
      book.balances.get("USDT")
    } vs the venue's ${account.wallet} (${closing} closing fills)`,
  );
  const orders = sim.ledger.orders({ accountId: 0, code });
  const ids = orders.map((o) => String(o.clientId));
  assert.equal(new Set(ids).size, ids.length, `a client id was placed twice: ${ids.join(" ")}`);
  const open = orders.filter((o) => o.status === "new" || o.status === "partially-filled")
    .map((o) => String(o.clientId));
  assert.deepEqual([...book.working].sort(), open.sort(), "working orders");
  return ledger.length;
}

/** The client ids of every submit intent in a state file's outbox, oldest first. */
export function submittedIds(statePath: string): string[] {
  const db = new DatabaseSync(statePath, { readOnly: true });
  try {
    return db.prepare("SELECT client_order_id FROM outbox WHERE kind = 'submit' ORDER BY seq")
      .all().map((r) => String(r.client_order_id));
  } finally {
    db.close();
  }
}

/**
 * Asserts that the run's orders are the venue's: every submit intent has its own client id,
 * every order at the venue came from one, an intent the venue holds no order of was refused
 * (the run logged the rejection: Binance does not record a refused post-only order), and the
 * `--json` summary counts the intents and the venue's fills.
 */
export function assertOrdersMatchLedger(
  sim: Simulator,
  statePath: string,
  summary: RunSummary,
  log: string,
  code: string,
): void {
  const submitted = submittedIds(statePath);
  assert.equal(new Set(submitted).size, submitted.length, "a client id was used twice");
  const atVenue = sim.ledger.orders({ accountId: 0, code }).map((o) => String(o.clientId));
  for (const id of atVenue) assert.ok(submitted.includes(id), `${id} placed without an intent`);
  for (const id of submitted.filter((id) => !atVenue.includes(id))) {
    assert.ok(log.includes(`order ${id}: rejected`), `${id} neither at the venue nor refused`);
  }
  assert.equal(summary.orders, submitted.length, "orders");
  assert.equal(summary.fills, sim.ledger.fills({ accountId: 0, code }).length, "fills");
}
