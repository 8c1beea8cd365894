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
import { ConfigError, type SourceLocation } from "../domain/mod.ts";
import type { Strategy } from "./strategy.ts";

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

  /**
   * Adds a definition.
   *
   * @throws {RangeError} when the name or an alias is taken.
   */
  register<S extends TableField>(definition: StrategyDefinition<S>): void {
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
    return { strategy: definition.create(resolved), params: resolved };
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
