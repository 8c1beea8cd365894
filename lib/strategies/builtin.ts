/**
 * Registers the built-in strategies in {@linkcode builtinStrategies} at import time, so a
 * compiled binary needs no strategy files.
 *
 * @module
 */

import { builtinStrategies } from "./registry.ts";
import { smaCrossDefinition } from "./sma_cross.ts";
import { bollingerBreakoutDefinition } from "./bollinger_breakout.ts";
import { breakoutDefinition } from "./breakout.ts";
import { crossExchangeArbDefinition } from "./cross_exchange_arb.ts";
import { meanReversionZScoreDefinition } from "./mean_reversion_zscore.ts";
import { pairsTradingArbitrageDefinition } from "./pairs_trading_arbitrage.ts";
import { rsiReversionDefinition } from "./rsi_reversion.ts";
import { volatilitySkewDefinition } from "./volatility_skew.ts";
import { orderBookImbalanceDefinition } from "./order_book_imbalance.ts";
import { orderBookScalperDefinition } from "./order_book_scalper.ts";
import { avellanedaStoikovDefinition } from "./avellaneda_stoikov.ts";
import { gueantMarketMakerDefinition } from "./gueant_market_maker.ts";
import { mlClassifierDefinition } from "./ml_classifier.ts";

builtinStrategies.register(smaCrossDefinition);
builtinStrategies.register(rsiReversionDefinition);
builtinStrategies.register(bollingerBreakoutDefinition);
builtinStrategies.register(pairsTradingArbitrageDefinition);
builtinStrategies.register(crossExchangeArbDefinition);
builtinStrategies.register(volatilitySkewDefinition);
builtinStrategies.register(breakoutDefinition);
builtinStrategies.register(meanReversionZScoreDefinition);
builtinStrategies.register(orderBookImbalanceDefinition);
builtinStrategies.register(orderBookScalperDefinition);
builtinStrategies.register(avellanedaStoikovDefinition);
builtinStrategies.register(gueantMarketMakerDefinition);
builtinStrategies.register(mlClassifierDefinition);

export { builtinStrategies };
