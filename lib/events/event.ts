/**
 * The closed union of everything the engine processes. Every event is readonly and carries
 * `ts` (when it happened at the source) and `tsRecv` (when we saw it; in backtests the
 * simulated arrival time). Consumers switch on `kind` exhaustively.
 *
 * @module
 */

import type {
  Balance,
  BookDelta,
  BookSnapshot,
  Candle,
  Fill,
  FundingPayment,
  FundingRate,
  Inference,
  Micros,
  Order,
  OrderRequest,
  Position,
  Quote,
  Refusal,
  Signal,
  SymbolId,
  Trade,
} from "../domain/mod.ts";
import type { ReconciliationDifference, ReconciliationScope } from "./reconciliation.ts";

/** Fields every event has. */
export interface EventTimes {
  /** When it happened at the source, µs since the epoch. */
  readonly ts: Micros;
  /** When we received it, µs since the epoch. */
  readonly tsRecv: Micros;
}

/** A closed bar (delivered only after its close). */
export interface CandleEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "candle";
  /** The bar. */
  readonly candle: Candle;
}

/** A public trade. */
export interface TradeEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "trade";
  /** The trade. */
  readonly trade: Trade;
}

/** A best bid/offer update. */
export interface QuoteEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "quote";
  /** The quote. */
  readonly quote: Quote;
}

/** A full order book image. */
export interface BookSnapshotEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "book-snapshot";
  /** The book. */
  readonly book: BookSnapshot;
}

/** Changed order book levels. */
export interface BookDeltaEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "book-delta";
  /** The changes. */
  readonly delta: BookDelta;
}

/** A funding payment instant. */
export interface FundingEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "funding";
  /** The rate. */
  readonly funding: FundingRate;
}

/** A timer a component scheduled for itself. */
export interface TimerEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "timer";
  /** Who asked for it, e.g. a strategy or algorithm id. */
  readonly owner: string;
  /** Free-form tag the owner uses to tell its timers apart. */
  readonly tag: string;
}

/** A strategy's signal. */
export interface SignalEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "signal";
  /** Which strategy emitted it. */
  readonly strategy: string;
  /** The signal. */
  readonly signal: Signal;
}

/** An instruction to a venue. */
export type OrderCommand =
  | { readonly type: "submit"; readonly request: OrderRequest }
  | { readonly type: "cancel"; readonly symbol: SymbolId; readonly clientOrderId: string }
  | {
    readonly type: "amend";
    readonly symbol: SymbolId;
    readonly clientOrderId: string;
    readonly price?: OrderRequest["price"];
    readonly quantity?: OrderRequest["quantity"];
  };

/** An order command on its way to the venue. */
export interface OrderCommandEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "order-command";
  /** The command. */
  readonly command: OrderCommand;
}

/** A venue's report of an order's new state (accepted, rejected, filled, canceled, …). */
export interface OrderUpdateEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "order-update";
  /** The order in its new state. */
  readonly order: Order;
}

/** An execution of one of our orders. */
export interface FillEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "fill";
  /** The fill. */
  readonly fill: Fill;
}

/**
 * A funding payment the venue booked on our position (live): the portfolio books its exact
 * amount, once (`ts` is the venue's booking time). Not market data: never dropped.
 */
export interface FundingPaymentEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "funding-payment";
  /** The payment. */
  readonly payment: FundingPayment;
}

/** A position after it changed (from the portfolio or the venue). */
export interface PositionEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "position";
  /** The position. */
  readonly position: Position;
}

/** Balances after they changed. */
export interface AccountEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "account";
  /** The balances. */
  readonly balances: readonly Balance[];
}

/** How urgent an alert is. */
export type AlertSeverity = "info" | "warning" | "critical";

/** Something an operator should know (data gap, order failures, drawdown, kill switch). */
export interface AlertEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "alert";
  /** Urgency. */
  readonly severity: AlertSeverity;
  /** Stable machine-readable code, e.g. `data-gap`. */
  readonly code: string;
  /** One-line message for humans. */
  readonly message: string;
  /** The symbol it concerns, when it concerns one (e.g. a venue's report about an order). */
  readonly symbol?: SymbolId;
  /** The order it concerns, when it concerns one. */
  readonly clientOrderId?: string;
}

/** Which link a connectivity event is about. */
export type ConnectivityChannel = "market" | "execution";

/** The state of a link: working, lost, or connected but not to be trusted (no or stale data). */
export type ConnectivityState = "up" | "down" | "stale";

/** A market stream or an execution channel went down, came back, or went stale. */
export interface ConnectivityEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "connectivity";
  /** Market data or the order/fill channel. */
  readonly channel: ConnectivityChannel;
  /** Lower-case venue name, e.g. `bybit`. */
  readonly venue: string;
  /** The symbol concerned, when the state is about one symbol (a stale book, say). */
  readonly symbol?: SymbolId;
  /** The new state. */
  readonly state: ConnectivityState;
  /** Why, for humans (e.g. `pong deadline missed`). */
  readonly reason?: string;
}

/** The ledger compared with what a venue reports, and what was done about each difference. */
export interface ReconciliationEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "reconciliation";
  /** Whether positions were compared, or unknown because the venue could not be asked. */
  readonly positions: ReconciliationScope;
  /** Whether balances were compared, or unknown because the venue could not be asked. */
  readonly balances: ReconciliationScope;
  /** Every difference found, in a fixed order (positions by symbol, then balances). */
  readonly differences: readonly ReconciliationDifference[];
}

/** A signal, order, amend or cancel that was refused, with its rule and numbers. */
export interface RefusalEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "refusal";
  /** What was refused and why. */
  readonly refusal: Refusal;
}

/**
 * A model's answer to a strategy's inference request. In backtests it arrives at the request
 * time plus a configured, modelled inference latency; live, when the model has answered.
 */
export interface InferenceEvent extends EventTimes {
  /** Discriminant. */
  readonly kind: "inference";
  /** Which strategy asked. */
  readonly strategy: string;
  /** The answer. */
  readonly inference: Inference;
}

/** Every event the engine knows. */
export type Event =
  | CandleEvent
  | TradeEvent
  | QuoteEvent
  | BookSnapshotEvent
  | BookDeltaEvent
  | FundingEvent
  | TimerEvent
  | SignalEvent
  | OrderCommandEvent
  | OrderUpdateEvent
  | FillEvent
  | FundingPaymentEvent
  | PositionEvent
  | AccountEvent
  | AlertEvent
  | ConnectivityEvent
  | ReconciliationEvent
  | RefusalEvent
  | InferenceEvent;

/** The `kind` tags of {@linkcode Event}. */
export type EventKind = Event["kind"];

/** The event type with the given `kind`. */
export type EventOf<K extends EventKind> = Extract<Event, { readonly kind: K }>;

/** Every event kind, in a fixed order (for exhaustive tables and tests). */
export const EVENT_KINDS: readonly EventKind[] = [
  "candle",
  "trade",
  "quote",
  "book-snapshot",
  "book-delta",
  "funding",
  "timer",
  "signal",
  "order-command",
  "order-update",
  "fill",
  "funding-payment",
  "position",
  "account",
  "alert",
  "connectivity",
  "reconciliation",
  "refusal",
  "inference",
];

/** Whether an event is market data (which live queues may drop under backpressure). */
export function isMarketData(event: Event): boolean {
  switch (event.kind) {
    case "candle":
    case "trade":
    case "quote":
    case "book-snapshot":
    case "book-delta":
    case "funding":
      return true;
    case "timer":
    case "signal":
    case "order-command":
    case "order-update":
    case "fill":
    case "funding-payment":
    case "position":
    case "account":
    case "alert":
    case "connectivity":
    case "reconciliation":
    case "refusal":
    case "inference":
      return false;
    default: {
      const unknown: never = event;
      throw new TypeError(`Unknown event ${JSON.stringify(unknown)}`);
    }
  }
}
