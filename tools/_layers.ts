/**
 * The layers of `lib/`: which module may import which. Read by `check_deps.ts` (which enforces
 * it) and `gen_root_mod.ts` (which writes the curated root names of `tools/root_exports.ts` in
 * `mod.ts`, module by module in this order). The README's table shows the same rows (a test
 * keeps them equal).
 *
 * @module
 */

// What each lib/ module may import from lib/ besides itself; the upper layers list the lower ones.
const CORE = ["domain", "events", "engine", "broker", "config", "indicators", "strategies"];
const SERVICES = [...CORE, "portfolio", "execution", "data", "cortex"];
// The trading core and the simulated venues: what backtest and live both build on.
const CORE_MODES = [...SERVICES, "trader", "venues"];

/** What each lib/ module may import from lib/ besides itself. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  domain: [],
  events: ["domain"],
  engine: ["domain", "events"],
  broker: ["domain", "events"],
  config: ["domain"],
  indicators: ["domain"],
  strategies: ["domain", "events", "broker", "config", "indicators"],
  cortex: ["domain", "config"],
  portfolio: ["domain", "events"],
  execution: ["domain", "events", "broker", "indicators", "portfolio"],
  data: ["domain", "events", "config"],
  trader: SERVICES,
  venues: ["domain", "events", "engine", "broker", "strategies"],
  backtest: CORE_MODES,
  live: CORE_MODES,
  testing: [...CORE_MODES, "backtest"],
  research: [...CORE_MODES, "backtest", "testing"],
};
