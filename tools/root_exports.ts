/**
 * The curated public API of the root module (`@tesser/tesser`): the names a library user needs
 * to write a strategy, test it, backtest it and read market data, reviewed one by one. Every
 * other public name stays behind its subpath export (`@tesser/tesser/<module>`), and the test
 * kit is only `@tesser/tesser/testing`. `tools/gen_root_mod.ts` writes `mod.ts` from this list
 * and `deno task check` fails when the list and the barrels disagree: a name that no longer
 * exists, a name listed under a module that does not declare it, or a module with a barrel and
 * no entry here (so a new module's root names are a decision, even if the decision is `[]`).
 *
 * To add a name: put it under the module that declares it (keep the groups sorted), run
 * `deno run -A tools/gen_root_mod.ts`, and say in the commit why a library user needs it at
 * the root rather than from the subpath.
 *
 * @module
 */

/** Root names by the lib/ module that declares them. */
export const ROOT_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  domain: [
    // The data a strategy sees and emits.
    "AmendIntent",
    "Candle",
    "ExecutionHint",
    "Fill",
    "Order",
    "OrderIntent",
    "OrderStatus",
    "Position",
    "Quote",
    "Side",
    "Signal",
    "SignalKind",
    "Trade",
    "BookView",
    // Instruments, symbols, time: every config and every test needs them.
    "Instrument",
    "InstrumentSpec",
    "makeInstrument",
    "Interval",
    "parseInterval",
    "intervalMicros",
    "SymbolId",
    "symbolId",
    "parseSymbol",
    "Micros",
    "MICROS_PER_SECOND",
    "MICROS_PER_MINUTE",
    "MICROS_PER_DAY",
    "fromIso",
    "toIso",
    "fromMillis",
    "toMillis",
    // Exact money, and the JSON a snapshot is.
    "Decimal",
    "decimal",
    "JsonValue",
    // The errors a user can cause (and catch).
    "TesserError",
    "ConfigError",
    "DataError",
    "ExchangeError",
  ],
  // The event union is what a report subscriber or a custom runner reads.
  events: ["Event", "EventKind"],
  // Engines and clocks are for runners, reached through trader/backtest: subpath only.
  engine: [],
  // The ports a connector implements.
  broker: ["ExecutionClient", "HistoricalData", "MarketStream"],
  // Schema fields (strategy params, own config files) and the layered config loader.
  config: ["field", "Infer", "loadTesserConfig", "TesserConfig"],
  indicators: [
    // Every indicator: they are what strategies are made of. Their option and value types are
    // inferred where used, so they stay on the subpath.
    "Atr",
    "BollingerBands",
    "Correlation",
    "Dema",
    "Donchian",
    "Ema",
    "Ichimoku",
    "LinearRegression",
    "Macd",
    "Obv",
    "Roc",
    "RollingMax",
    "RollingMin",
    "Rsi",
    "Sma",
    "StdDev",
    "Stochastic",
    "Tema",
    "TrueRange",
    "Vwap",
    "Wma",
    "ZScore",
    "pipe",
    "Bar",
    "Indicator",
  ],
  strategies: [
    // Writing a strategy: defineStrategy, its params and contexts; the class-based contract.
    "defineStrategy",
    "param",
    "paramError",
    "DefinedContext",
    "DefinedStrategy",
    "ParamsOf",
    "Strategy",
    "StrategyContext",
    "StrategyDefinition",
    "StrategySubscription",
    "StrategyError",
    // Finding and building strategies by name, built-in or from a module.
    "builtinStrategies",
    "StrategyRegistry",
    "loadStrategyModule",
  ],
  // Models for strategies: the ONNX Runtime engine and the feature rows models read; the
  // linear model, training and ONNX export stay behind @tesser/tesser/cortex.
  cortex: ["CortexEngine", "FeatureBuffer"],
  // Accounting a user inspects after a run.
  portfolio: ["Portfolio", "RoundTrip"],
  // Sizing choices and risk limits a backtest takes.
  execution: ["fixedQuantity", "percentOfEquity", "riskAdjusted", "Sizer", "RiskLimits"],
  data: [
    // Reading, writing, checking and making candles and tick data.
    "readCandleParquet",
    "writeCandleParquet",
    "CandleBatch",
    "candlesToBatch",
    "batchToCandles",
    "generateCandles",
    "resampleCandles",
    "validateCandles",
    "readTardisCsv",
    "OrderBook",
  ],
  // The mode-neutral session, for a runner of one's own.
  trader: ["TradingSession", "SessionOptions"],
  // The simulated venues are reached through the backtest runners: subpath only.
  venues: [],
  backtest: [
    "runCandleBacktest",
    "CandleBacktestOptions",
    "CandleBacktestResult",
    "runTickBacktest",
    "TickBacktestOptions",
    "TickBacktestResult",
    "VenueSettings",
    "BacktestReport",
    "PerformanceMetrics",
    "writeReportFiles",
    "loadMarkets",
  ],
  // The live runtime is reached through the CLI (`tesser live run`) and `@tesser/tesser/live`.
  live: [],
  // The test kit is its own subpath (`@tesser/tesser/testing`), never the root.
  testing: [],
  // Parameter search and sharded studies: a tool of their own, reached through the CLI
  // (`tesser research`) and `@tesser/tesser/research`.
  research: [],
};

/**
 * Public names still declared in private (`_x.ts`) files, by module, with whose they are.
 * The check fails for any other such name, and for an entry here that is gone, so this list
 * only shrinks. Each is a type in a public signature whose file another engineer is changing.
 */
export const PRIVATE_FILE_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  // lib/venues (trader, fidelity): the candle venue's options and fees, the tick book's input.
  venues: [
    "CandleVenueOptions",
    "FeeRates",
    "IntrabarModel",
    "LimitFillRule",
    "MarketDataEvent",
    "VenueLatency",
  ],
  // lib/data: the seeded generator research's random search takes from the data barrel.
  data: ["Random"],
  // lib/backtest (fidelity): the report's equity curve rows.
  backtest: ["EquityCurve"],
};
