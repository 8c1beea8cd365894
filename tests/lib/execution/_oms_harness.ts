// The OMS test harness: one BTC perp, a settable position, recording sinks.
import {
  type Decimal,
  decimal,
  makeInstrument,
  type Order,
  type OrderRequest,
  type Signal,
  type SymbolId,
  ZERO,
} from "../../../lib/domain/mod.ts";
import {
  fixedQuantity,
  OrderManager,
  PreTradeRisk,
  type RiskLimits,
  type Sizer,
} from "../../../lib/execution/mod.ts";

export const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  minNotional: "5",
});

export interface Harness {
  readonly oms: OrderManager;
  readonly risk: PreTradeRisk;
  readonly sent: OrderRequest[];
  readonly canceled: string[];
  readonly amended: string[];
  setPosition(quantity: string): void;
}

/** An OMS on a 10,000 USDT account with BTC at 50,000 and unlimited free margin. */
export function harness(
  sizer: Sizer = fixedQuantity(0.01),
  limits: RiskLimits = {},
  pyramiding = false,
): Harness {
  let position: Decimal = ZERO;
  const sent: OrderRequest[] = [];
  const canceled: string[] = [];
  const amended: string[] = [];
  const risk = new PreTradeRisk(limits);
  const oms = new OrderManager(
    { instruments: new Map([[BTC.symbol, BTC]]), sizer, risk, pyramiding },
    {
      position: () => position,
      equity: () => 10_000,
      rateOf: () => 1,
      freeMargin: () => 1e12,
      leverage: () => 1,
      lastPrice: (symbol: SymbolId) => (symbol === BTC.symbol ? 50_000 : Number.NaN),
      volatility: () => 250,
    },
    {
      send: (command) => {
        switch (command.type) {
          case "submit":
            sent.push(command.request);
            return;
          case "cancel":
            canceled.push(command.clientOrderId);
            return;
          case "amend":
            amended.push(
              `${command.clientOrderId} ${command.price ?? "-"} ${command.quantity ?? "-"}`,
            );
            return;
          default: {
            const unknown: never = command;
            throw new TypeError(`Unknown command ${JSON.stringify(unknown)}`);
          }
        }
      },
    },
  );
  return { oms, risk, sent, canceled, amended, setPosition: (q) => (position = decimal(q)) };
}

/** A signal for BTC. */
export function signal(kind: Signal["kind"], extra: Partial<Signal> = {}): Signal {
  return { symbol: BTC.symbol, kind, confidence: 1, ...extra };
}

/** The venue's report of `request` in `status` (filled: all of it). */
export function accept(request: OrderRequest, status: Order["status"] = "accepted"): Order {
  return {
    id: `o-${request.clientOrderId}`,
    request,
    status,
    filledQuantity: status === "filled" ? request.quantity : ZERO,
    averagePrice: undefined,
    createdTs: 0,
    updatedTs: 0,
  };
}
