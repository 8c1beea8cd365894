/**
 * The static strategy registry: every built-in strategy is registered at import time, so a
 * compiled binary needs no files. Names are case-insensitive and may have aliases. Params are
 * validated against each strategy's schema, with errors naming the valid parameters.
 *
 * @module
 */

import {
  applyDefaults,
  describeField,
  type Field,
  type Infer,
  type TableField,
} from "../config/mod.ts";
import { validateValue } from "../config/validate.ts";
import { ConfigError, type SourceLocation, TesserError } from "../domain/mod.ts";
import type { Strategy } from "./strategy.ts";
import { recordStrategyOrigin, strategyLabel, strategyThrew } from "./strategy_error.ts";

/** What the registry knows of a strategy besides how to build it. */
export interface StrategyInfo {
  /** Canonical name, e.g. `SmaCross`. */
  readonly name: string;
  /** Other accepted names (case-insensitive), e.g. `sma_cross`. */
  readonly aliases?: readonly string[];
  /** One line for `tesser strategies`. */
  readonly description: string;
  /** The params schema (with defaults and descriptions). */
  readonly params: TableField;
}

/** How to build one strategy from validated params. */
export interface StrategyDefinition<S extends TableField> extends StrategyInfo {
  /** The params schema (with defaults and descriptions). */
  readonly params: S;
  /**
   * Builds an instance. Throws a `ConfigError` (via {@linkcode paramError}) for values that are
   * valid one by one but not together, e.g. `fast_period >= slow_period`.
   */
  create(params: Infer<S>): Strategy;
}

/** A parameter as `tesser strategies` lists it. */
export interface ParamInfo {
  /** Parameter name. */
  readonly name: string;
  /** Expected type in words. */
  readonly type: string;
  /** Default value, when there is one. */
  readonly default: unknown;
  /** Whether it must be given. */
  readonly required: boolean;
  /** One line of help. */
  readonly description: string;
}

/** Makes a `ConfigError` about one parameter of a strategy. */
export function paramError(strategy: string, param: string, reason: string): ConfigError {
  return new ConfigError(`strategy ${strategy}: parameter ${param} ${reason}`);
}

interface RegisteredStrategy extends StrategyInfo {
  create(params: Readonly<Record<string, unknown>>): Strategy;
}

/** Options of {@linkcode StrategyRegistry.register}. */
export interface RegisterOptions {
  /** The module the definition came from (a user's `--strategy-module`), for messages. */
  readonly origin?: string;
}

const SUBSCRIPTION_KINDS: readonly string[] = ["candles", "trades", "quotes", "book"];

/** Why `value` is not a strategy instance, or `undefined` when it looks like one. */
function instanceProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") {
    return `create() returned ${value === null ? "null" : typeof value}, not a strategy`;
  }
  const candidate = value as { readonly subscriptions?: unknown };
  if (!Array.isArray(candidate.subscriptions)) {
    return `its subscriptions is ${
      candidate.subscriptions === undefined ? "missing" : JSON.stringify(candidate.subscriptions)
    }, not a list`;
  }
  const bad = (candidate.subscriptions as unknown[]).find((s) =>
    s === null || typeof s !== "object" ||
    !SUBSCRIPTION_KINDS.includes((s as { kind?: unknown }).kind as string) ||
    typeof (s as { symbol?: unknown }).symbol !== "string"
  );
  if (bad !== undefined) {
    return `subscription ${JSON.stringify(bad)} is not one of ${
      SUBSCRIPTION_KINDS.join(", ")
    } with a symbol`;
  }
  return undefined;
}

/** A built strategy and the params it was built with (defaults included). */
export interface PreparedStrategy {
  /** The strategy instance. */
  readonly strategy: Strategy;
  /** The validated params with defaults applied. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A set of strategy definitions looked up by name. */
export class StrategyRegistry {
  #byName = new Map<string, RegisteredStrategy>();
  #definitions: RegisteredStrategy[] = [];
  #origins = new Map<RegisteredStrategy, string>();

  /**
   * Adds a definition.
   *
   * @throws {RangeError} when the name or an alias is taken.
   */
  register<S extends TableField>(
    definition: StrategyDefinition<S>,
    options: RegisterOptions = {},
  ): void {
    // Sound: create() is only called with params validated against definition.params.
    const general = definition as unknown as RegisteredStrategy;
    const names = [definition.name, ...(definition.aliases ?? [])];
    // Every name is checked before any is added, so a failed register changes nothing.
    for (const name of names) {
      if (this.#byName.has(name.toLowerCase())) {
        throw new RangeError(`Strategy name "${name}" is already registered`);
      }
    }
    for (const name of names) this.#byName.set(name.toLowerCase(), general);
    this.#definitions.push(general);
    if (options.origin !== undefined) this.#origins.set(general, options.origin);
  }

  /** The definitions, sorted by name. */
  list(): readonly StrategyInfo[] {
    return [...this.#definitions].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The definition for `name` (case-insensitive, aliases too), or `undefined`. */
  find(name: string): StrategyInfo | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  /**
   * Validates `params` and builds the strategy `name`.
   *
   * @throws {ConfigError} for an unknown strategy (listing the known ones), unknown or
   * mistyped params (listing the valid ones), or inconsistent values.
   */
  create(
    name: string,
    params: Readonly<Record<string, unknown>>,
    location?: SourceLocation,
  ): Strategy {
    return this.prepare(name, params, location).strategy;
  }

  /**
   * Like {@linkcode StrategyRegistry.create}, and also returns the params in force: the given
   * ones with every default filled in (what a report should record).
   */
  prepare(
    name: string,
    params: Readonly<Record<string, unknown>>,
    location?: SourceLocation,
  ): PreparedStrategy {
    const definition = this.#byName.get(name.toLowerCase());
    if (definition === undefined) {
      const known = this.list().map((d) => d.name).join(", ") || "none registered";
      throw new ConfigError(`unknown strategy "${name}"`, {
        location,
        hint: `known strategies: ${known}`,
      });
    }
    try {
      validateValue(definition.params, params, ["params"], {
        kind: "file",
        file: location?.file ?? "params",
        locate: () => undefined,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`strategy ${definition.name}: ${error.reason}`, {
        location,
        hint: error.hint,
        cause: error,
      });
    }
    const resolved = applyDefaults(definition.params, params);
    for (const [key, node] of Object.entries(definition.params.fields)) {
      if (
        resolved[key] === undefined && (node as Field & { required?: boolean }).required === true
      ) {
        throw new ConfigError(`strategy ${definition.name}: missing required parameter ${key}`, {
          location,
          hint: `${key} is ${describeField(node)}`,
        });
      }
    }
    return { strategy: this.#build(definition, resolved, location), params: resolved };
  }

  // The strategy's own faults are said as its: a throw from its constructor or create() is a
  // StrategyError, something that is not a strategy a ConfigError naming the module.
  #build(
    definition: RegisteredStrategy,
    params: Readonly<Record<string, unknown>>,
    location: SourceLocation | undefined,
  ): Strategy {
    const origin = this.#origins.get(definition);
    let strategy: Strategy;
    try {
      strategy = definition.create(params);
    } catch (error) {
      if (error instanceof TesserError) throw error;
      throw strategyThrew(definition.name, origin, "in create", error);
    }
    const problem = instanceProblem(strategy);
    if (problem !== undefined) {
      throw new ConfigError(`strategy ${strategyLabel(definition.name, origin)}: ${problem}`, {
        location: origin === undefined ? location : { file: origin },
        hint: "create(params) must return an object with a subscriptions list " +
          '(e.g. [{ kind: "candles", symbol, interval: "1m" }]) and its handlers',
      });
    }
    if (origin !== undefined) recordStrategyOrigin(strategy, origin);
    return strategy;
  }
}

/** Describes a definition's params for listings. */
export function describeParams(definition: StrategyInfo): readonly ParamInfo[] {
  return Object.entries(definition.params.fields).map(([name, node]) => ({
    name,
    type: describeField(node).replace(/^an? /, ""),
    default: node.kind === "table" || node.kind === "map" ? undefined : node.default,
    required: node.required === true,
    description: node.kind === "table" || node.kind === "map" ? "" : node.description ?? "",
  }));
}

/** The registry of built-in strategies. */
export const builtinStrategies: StrategyRegistry = new StrategyRegistry();
