/**
 * An execution that names no `feeCurrency` is booked in its instrument's settle coin: USDC for
 * a USDC-settled linear contract, the base coin for an inverse one; USDT only where USDT is
 * what the contract settles in. The item is bybit_ws_private_execution_doc.json (a real
 * linear Trade execution) with `feeCurrency` emptied, as bybit_ws_private_order_doc.json shows
 * Bybit printing it (`"feeCurrency": ""`).
 */

import assert from "node:assert/strict";
import { makeInstrument } from "../../../lib/domain/mod.ts";
import { BybitExecutionClient } from "../../../connectors/bybit/execution_client.ts";
import { parseExecution } from "../../../connectors/bybit/parse_private.ts";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";
import { fixture } from "./_fixtures.ts";
import { ok, startFakeBybit, TEST_KEY, TEST_SECRET } from "./_fake_bybit.ts";

const USDC_PERP = makeInstrument({
  symbol: "bybit:BTCPERP",
  kind: "linear",
  base: "BTC",
  quote: "USDC",
  tickSize: "0.1",
  lotSize: "0.001",
});
const INVERSE = makeInstrument({
  symbol: "bybit:BTCUSD",
  kind: "inverse",
  base: "BTC",
  quote: "USD",
  tickSize: "0.5",
  lotSize: "1",
});
const USDT_PERP = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});

/** The doc's linear execution of `code` with no feeCurrency, as `execType`. */
function execution(code: string, execType = "Trade"): Record<string, unknown> {
  const item = (fixture("bybit_ws_private_execution_doc.json") as { data: object[] }).data[0];
  return { ...item, symbol: code, feeCurrency: "", execType };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function clientOn(baseUrl: string): BybitExecutionClient {
  const clock = { now: () => Date.now(), sleep };
  const rest = new BybitRest({
    baseUrl,
    credentials: { apiKey: TEST_KEY, apiSecret: TEST_SECRET },
    limiter: new RateLimiter({ share: 1, clock }),
    now: clock.now,
    sleep,
  });
  return new BybitExecutionClient(rest, sleep, { instruments: [USDC_PERP, INVERSE, USDT_PERP] });
}

Deno.test("parseExecution: no feeCurrency → the settle coin of the instrument (USDC perp, inverse)", () => {
  const client = clientOn("http://127.0.0.1:9");
  const settle = (symbol: string) => client.settleOf(symbol);
  const usdc = parseExecution(execution("BTCPERP"), settle);
  assert.equal(usdc.type === "fill" ? usdc.fill.feeCurrency : "", "USDC");
  assert.equal(usdc.type === "fill" ? usdc.fill.fee.toString() : "", "26.3725275");
  const inverse = parseExecution(execution("BTCUSD"), settle);
  assert.equal(inverse.type === "fill" ? inverse.fill.feeCurrency : "", "BTC");
  const usdt = parseExecution(execution("BTCUSDT"), settle);
  assert.equal(usdt.type === "fill" ? usdt.fill.feeCurrency : "", "USDT");
  // Funding is booked where the fees are.
  const funding = parseExecution(execution("BTCPERP", "Funding"), settle);
  assert.equal(funding.type === "funding" ? funding.funding.currency : "", "USDC");
  // A named feeCurrency stands as Bybit gives it.
  const named = parseExecution({ ...execution("BTCPERP"), feeCurrency: "USDT" }, settle);
  assert.equal(named.type === "fill" ? named.fill.feeCurrency : "", "USDT");
});

Deno.test("BybitExecutionClient.settleOf: a symbol it was not given falls back to its settleCoin", () => {
  const clock = { now: () => Date.now(), sleep };
  const rest = new BybitRest({
    baseUrl: "http://127.0.0.1:9",
    limiter: new RateLimiter({ share: 1, clock }),
    now: clock.now,
    sleep,
  });
  assert.equal(new BybitExecutionClient(rest, sleep).settleOf("bybit:ETHPERP"), "USDT");
  assert.equal(
    new BybitExecutionClient(rest, sleep, { settleCoin: "USDC" }).settleOf("bybit:ETHPERP"),
    "USDC",
  );
});

Deno.test("BybitExecutionClient.executions: a USDC perp's execution history is booked in USDC", async () => {
  const fake = startFakeBybit();
  try {
    fake.route(
      "/v5/execution/list",
      (request) =>
        request.query.includes("cursor=")
          ? ok({ list: [], nextPageCursor: "" })
          : ok({ list: [execution("BTCPERP"), execution("BTCPERP", "Funding")] }),
    );
    const list = await clientOn(fake.url).executions(Date.now() - 60_000);
    assert.deepEqual(
      list.map((e) => e.type === "fill" ? e.fill.feeCurrency : e.funding.currency),
      ["USDC", "USDC"],
    );
  } finally {
    await fake.close();
  }
});
