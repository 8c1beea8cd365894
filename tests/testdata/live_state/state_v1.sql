-- A version-1 live state file (schema of lib/live/state/sqlite_schema.ts SCHEMA_V1), as SQL.
-- Made once from tests/lib/live/state/_fixtures.ts sampleState(); read by migration_test.ts.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), saved_at INTEGER NOT NULL,
  payload TEXT NOT NULL);
CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, client_order_id TEXT NOT NULL,
  payload TEXT NOT NULL, ts INTEGER NOT NULL, committed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE fills (trade_id TEXT PRIMARY KEY, payload TEXT NOT NULL, ts INTEGER NOT NULL,
  committed INTEGER NOT NULL DEFAULT 0);
INSERT INTO meta VALUES ('lock_key', 'bybit:main:BTCUSDT');
INSERT INTO state VALUES (1, 1700000000000000, '{"version":1,"savedAt":1700000000000000,"oms":{"version":1,"tradingState":"active","clientIds":{"prefix":"sma","epochMs":0,"counter":1},"orders":[{"request":{"clientOrderId":"sma-0-1","symbol":"bybit:BTCUSDT","side":"buy","type":"limit","quantity":"0.01","price":"40000","timeInForce":"gtc","reduceOnly":false},"venue":{"id":"o-sma-0-1","request":{"clientOrderId":"sma-0-1","symbol":"bybit:BTCUSDT","side":"buy","type":"limit","quantity":"0.01","price":"40000","timeInForce":"gtc","reduceOnly":false},"status":"accepted","filledQuantity":"0","createdTs":0,"updatedTs":0},"inFlight":"amend","target":{"price":"40100"},"seq":1,"ambiguous":false,"filledByFills":"0","createdTs":1000000,"sentAt":1000000}],"brackets":[],"tradeIds":[]},"strategy":{"fast":[1,2,3],"last":42.5},"algorithms":null,"portfolio":{"version":1,"reportingCurrency":"USDT","balances":{"USDT":"10000"},"positions":[{"symbol":"bybit:BTCUSDT","quantity":"0.004","cost":"200","realizedPnl":"0","liquidationPending":false}],"marks":{"bybit:BTCUSDT":50000},"feesByCurrency":{"USDT":"0"},"fundingByCurrency":{"USDT":"0"},"feesPaid":"0","fundingPaid":"0","realizedPnl":"0","turnover":"200","liquidations":0,"ledger":{"open":[{"symbol":"bybit:BTCUSDT","kind":"linear","settle":"USDT","direction":"long","entryTs":1699999999999990,"entryQuantity":"0.004","entryWeight":"200","exitQuantity":"0","exitWeight":"0","grossPnl":"0","fees":"0","funding":"0","fills":1}],"closed":[]}},"lastEventIds":{"bybit:private":"1234","bybit:public":"99"},"killSwitch":{"tripped":true,"at":1699999999999995,"reason":"drawdown 12% > 10%"}}');
INSERT INTO outbox (client_order_id, payload, ts, committed) VALUES ('sma-0-1', '{"type":"cancel","symbol":"bybit:BTCUSDT","clientOrderId":"sma-0-1"}', 10, 1);
INSERT INTO outbox (client_order_id, payload, ts, committed) VALUES ('sma-0-2', '{"type":"cancel","symbol":"bybit:BTCUSDT","clientOrderId":"sma-0-2"}', 20, 0);
INSERT INTO fills VALUES ('t-1', '{"orderId":"o-1","clientOrderId":"sma-0-1","symbol":"bybit:BTCUSDT","side":"buy","price":"40000.5","quantity":"0.004","fee":"0.0123","feeCurrency":"USDT","liquidity":"maker","tradeId":"t-1"}', 5, 1);
INSERT INTO fills VALUES ('t-2', '{"orderId":"o-1","clientOrderId":"sma-0-1","symbol":"bybit:BTCUSDT","side":"buy","price":"40000.5","quantity":"0.002","fee":"0.0123","feeCurrency":"USDT","liquidity":"maker","tradeId":"t-2"}', 25, 0);
PRAGMA user_version = 1;
