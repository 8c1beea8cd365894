/**
 * Registers the built-in strategies in {@linkcode builtinStrategies} at import time, so a
 * compiled binary needs no strategy files.
 *
 * @module
 */

import { builtinStrategies } from "./registry.ts";
import { smaCrossDefinition } from "./sma_cross.ts";

builtinStrategies.register(smaCrossDefinition);

export { builtinStrategies };
