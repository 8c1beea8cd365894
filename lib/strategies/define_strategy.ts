/**
 * {@linkcode defineStrategy}: a strategy from one declaration. The params are declared once
 * (their TypeScript type is inferred from the fields), the state once (a JSON-safe initial
 * value, from which snapshot and restore follow), the indicators the strategy owns once; the
 * handlers read all three, and the position, open orders and instruments, from their context.
 * The result is a {@linkcode StrategyDefinition}, so the registry, the CLI's
 * `--strategy-module` and the test kit take it like any other; class-based strategies keep
 * working beside it.
 *
 * @module
 */

import { field, type Infer, type TableField } from "../config/mod.ts";
import type { Candle, ExecutionHint, Fill, JsonValue, Order, Quote, Trade } from "../domain/mod.ts";
import type { BookView, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";
import { type StrategyDefinition, StrategyRegistry } from "./registry.ts";
import { type ParamFields, type ParamsInput, type ParamsOf, parseParams } from "./param.ts";
import { checkStateIsJson, checkStateShape } from "./_state_shape.ts";

/**
 * A strategy's state: a plain object of JSON data (finite numbers, strings, booleans, null,
 * arrays, plain objects), checked when an instance is made. (Typed as `object` so that
 * `{ long: false }` infers `boolean`, not the literal `false`.)
 */
export type StrategyState = object;

/**
 * What the connectivity handler receives: the payload of the Strategy contract's
 * `onConnectivity` (a venue's market or execution channel going up, down or stale).
 */
export type ConnectivityChange = Strategy extends {
  onConnectivity?(change: infer C, ctx: StrategyContext): void;
} ? C
  : never;

/** What a defined strategy owns: its params, its state and its indicators. */
export interface DefinedState<P, S, I> {
  /** The params, validated, defaults applied, symbols and intervals parsed. */
  readonly params: P;
  /** The state; mutate it freely: it is what snapshot() saves and restore() brings back. */
  readonly state: S;
  /** The indicators made by the declaration's `indicators(params)`. */
  readonly indicators: I;
}

/** The context a defined strategy's handlers get: the host's context and what it owns. */
export interface DefinedContext<P, S, I> extends StrategyContext, DefinedState<P, S, I> {}

/** The declaration {@linkcode defineStrategy} takes. Every handler is optional. */
export interface StrategyDeclaration<F extends ParamFields, S extends StrategyState, I> {
  /** The registered name, e.g. `MomentumBurst`. */
  readonly name: string;
  /** Other accepted names (case-insensitive). */
  readonly aliases?: readonly string[];
  /** One line for `tesser strategies`. */
  readonly description: string;
  /** The params, by name: `param.number({ min: 1, default: 10 })`, `param.symbol()`, …. */
  readonly params: F;
  /**
   * Checks values that are valid one by one but not together; throw a `ConfigError` made with
   * `paramError(name, param, reason)`.
   */
  readonly check?: (params: ParamsOf<F>) => void;
  /** The initial state (copied for each instance), or a function of the params making it. */
  readonly state?: S | ((params: ParamsOf<F>) => S);
  /** Makes the indicators the strategy owns (again after a restore). */
  readonly indicators?: (params: ParamsOf<F>) => I;
  /**
   * After a restore, brings the fresh indicators up to the restored state (e.g. by feeding
   * them the price history the state keeps). Indicators are not saved themselves.
   */
  readonly onRestore?: (owned: DefinedState<ParamsOf<F>, S, I>) => void;
  /** The market data the strategy needs. */
  readonly subscriptions: (params: ParamsOf<F>) => readonly StrategySubscription[];
  /**
   * The execution hints its signals may carry besides `market` and `limit` (e.g. `vwap`), so a
   * session that cannot honour one refuses the strategy when it is built.
   */
  readonly executionHints?: (params: ParamsOf<F>) => readonly ExecutionHint["kind"][];
  /** `false` when `onCandle` only reads the candle (see {@linkcode Strategy.keepsCandles}). */
  readonly keepsCandles?: boolean;
  /** Extra numbers for reports (tick backtests list them). */
  readonly diagnostics?: (
    owned: DefinedState<ParamsOf<F>, S, I>,
  ) => Readonly<Record<string, JsonValue>>;
  /** A bar closed. */
  readonly onCandle?: (candle: Candle, ctx: DefinedContext<ParamsOf<F>, S, I>) => void;
  /** A public trade happened. */
  readonly onTrade?: (trade: Trade, ctx: DefinedContext<ParamsOf<F>, S, I>) => void;
  /** The best bid/offer changed. */
  readonly onQuote?: (quote: Quote, ctx: DefinedContext<ParamsOf<F>, S, I>) => void;
  /** The order book changed. */
  readonly onBook?: (book: BookView, ctx: DefinedContext<ParamsOf<F>, S, I>) => void;
  /** One of the strategy's orders filled (partly). */
  readonly onFill?: (fill: Fill, ctx: DefinedContext<ParamsOf<F>, S, I>) => void;
  /** One of the strategy's orders changed state. */
  readonly onOrderUpdate?: (order: Order, ctx: DefinedContext<ParamsOf<F>, S, I>) => void;
  /** A timer set with `ctx.setTimer` fired. */
  readonly onTimer?: (tag: string, ctx: DefinedContext<ParamsOf<F>, S, I>) => void;
  /** A market or execution channel went up, down or stale. */
  readonly onConnectivity?: (
    change: ConnectivityChange,
    ctx: DefinedContext<ParamsOf<F>, S, I>,
  ) => void;
}

/** What {@linkcode defineStrategy} returns: a registrable definition that can also build. */
export interface DefinedStrategy<F extends ParamFields> extends StrategyDefinition<TableField<F>> {
  /**
   * Validates `params` exactly as the CLI does (unknown keys, types, bounds), fills in the
   * defaults and builds an instance: what a test wants.
   *
   * @throws {ConfigError} for bad params, naming the strategy and the parameter.
   */
  build(params: ParamsInput<F>): Strategy;
}

type Handlers = Pick<
  Strategy,
  "onCandle" | "onTrade" | "onQuote" | "onBook" | "onFill" | "onOrderUpdate" | "onTimer"
>;
type HandlerName = keyof Handlers;
const HANDLERS: readonly HandlerName[] = [
  "onCandle",
  "onTrade",
  "onQuote",
  "onBook",
  "onFill",
  "onOrderUpdate",
  "onTimer",
];

type AnyHandler = (payload: never, ctx: never) => void;

function instantiate<F extends ParamFields, S extends StrategyState, I>(
  declaration: StrategyDeclaration<F, S, I>,
  params: ParamsOf<F>,
): Strategy {
  const name = declaration.name;
  const initial = declaration.state;
  const fresh = (): S =>
    typeof initial === "function" ? initial(params) : structuredClone((initial ?? {}) as S);
  let state = fresh();
  checkStateIsJson(name, state, "declared");
  // The shape restore() checks against: the declared initial state.
  const template = structuredClone(state) as JsonValue;
  const makeIndicators = (): I => (declaration.indicators?.(params) ?? {}) as I;
  let indicators = makeIndicators();
  const owned: DefinedState<ParamsOf<F>, S, I> = {
    params,
    get state(): S {
      return state;
    },
    get indicators(): I {
      return indicators;
    },
  };
  // One context per host context (the host keeps one): the host's members come through the
  // prototype, so whatever the Strategy contract's context gains, a defined strategy sees it.
  let host: StrategyContext | undefined;
  let context: DefinedContext<ParamsOf<F>, S, I> | undefined;
  const contextOf = (ctx: StrategyContext): DefinedContext<ParamsOf<F>, S, I> => {
    if (ctx !== host || context === undefined) {
      host = ctx;
      context = Object.create(ctx, {
        params: { value: params, enumerable: true },
        state: { get: () => state, enumerable: true },
        indicators: { get: () => indicators, enumerable: true },
      }) as DefinedContext<ParamsOf<F>, S, I>;
    }
    return context;
  };
  const strategy: Record<string, unknown> & Strategy = {
    name,
    subscriptions: declaration.subscriptions(params),
    ...(declaration.executionHints === undefined
      ? {}
      : { executionHints: declaration.executionHints(params) }),
    ...(declaration.keepsCandles === undefined ? {} : { keepsCandles: declaration.keepsCandles }),
    snapshot: (): JsonValue => {
      checkStateIsJson(name, state, "at snapshot()");
      return structuredClone(state) as JsonValue;
    },
    restore: (snapshot: JsonValue): void => {
      checkStateShape(name, template, snapshot);
      state = structuredClone(snapshot) as S;
      indicators = makeIndicators();
      declaration.onRestore?.(owned);
    },
  };
  const slots = [...HANDLERS, "onConnectivity"] as const;
  for (const slot of slots) {
    const handler = declaration[slot] as AnyHandler | undefined;
    if (handler === undefined) continue;
    const call = handler as (payload: unknown, ctx: DefinedContext<ParamsOf<F>, S, I>) => void;
    strategy[slot] = (payload: unknown, ctx: StrategyContext): void =>
      call(payload, contextOf(ctx));
  }
  const diagnostics = declaration.diagnostics;
  if (diagnostics !== undefined) strategy.diagnostics = () => diagnostics(owned);
  return strategy;
}

/**
 * Defines a strategy from one declaration: params (types inferred), state (snapshot/restore
 * derived), owned indicators and handlers.
 *
 * @example
 * ```ts
 * import { defineStrategy, param } from "@tesser/tesser/strategies";
 * import { candlesFromArrays, collectSignals } from "@tesser/tesser/testing";
 * import assert from "node:assert/strict";
 *
 * const upTicks = defineStrategy({
 *   name: "UpTicks",
 *   description: "long after `count` rising closes in a row",
 *   params: { symbol: param.symbol(), count: param.number({ integer: true, min: 1, default: 2 }) },
 *   state: { last: null as number | null, rises: 0 },
 *   subscriptions: (p) => [{ kind: "candles", symbol: p.symbol, interval: "1m" }],
 *   onCandle(candle, ctx) {
 *     const { state, params } = ctx;
 *     state.rises = state.last !== null && candle.close > state.last ? state.rises + 1 : 0;
 *     state.last = candle.close;
 *     if (state.rises === params.count) {
 *       ctx.signal({ symbol: params.symbol, kind: "enter-long", confidence: 1 });
 *     }
 *   },
 * });
 * const strategy = upTicks.build({ symbol: "bybit:BTCUSDT" });
 * const candles = candlesFromArrays({ symbol: "bybit:BTCUSDT", close: [5, 6, 7, 6, 7] });
 * assert.deepEqual(collectSignals(strategy, candles).map((s) => s.bar), [2]);
 * assert.deepEqual(strategy.snapshot(), { last: 7, rises: 1 });
 * ```
 */
export function defineStrategy<
  const F extends ParamFields,
  S extends StrategyState = Record<never, never>,
  I = Record<never, never>,
>(declaration: StrategyDeclaration<F, S, I>): DefinedStrategy<F> {
  const params = field.table(declaration.params) as TableField<F>;
  let registry: StrategyRegistry | undefined;
  const definition: DefinedStrategy<F> = {
    name: declaration.name,
    ...(declaration.aliases === undefined ? {} : { aliases: declaration.aliases }),
    description: declaration.description,
    params,
    create(values: Infer<TableField<F>>): Strategy {
      const parsed = parseParams(declaration.name, declaration.params, values);
      declaration.check?.(parsed);
      return instantiate(declaration, parsed);
    },
    build(values: ParamsInput<F>): Strategy {
      if (registry === undefined) {
        registry = new StrategyRegistry();
        registry.register(definition);
      }
      return registry.create(declaration.name, values);
    },
  };
  return definition;
}
