/**
 * Parameter fields for {@linkcode defineStrategy}: every `field` builder of the config schema,
 * plus `symbol`, `symbols` and `interval`, which the strategy receives parsed (a
 * venue-qualified {@linkcode SymbolId}, a list of distinct ones, an {@linkcode Interval}) and
 * whose bad values are configuration errors naming the parameter.
 *
 * @module
 */

import {
  type ArrayField,
  type Field,
  field,
  type Infer,
  type LeafOptions,
  type OptionalKeys,
  type RequiredKeys,
  type StringField,
} from "../config/mod.ts";
import { type Interval, parseInterval, type SymbolId, symbolId } from "../domain/mod.ts";
import { paramError } from "./registry.ts";

/** A string parameter parsed into a venue-qualified symbol. */
export type SymbolParamField = StringField & { readonly format: "symbol" };
/** A list parameter parsed into distinct venue-qualified symbols (`count` of them, if set). */
export type SymbolsParamField = ArrayField<StringField> & {
  readonly format: "symbols";
  readonly count?: number;
};
/** A string parameter parsed into an {@linkcode Interval}. */
export type IntervalParamField = StringField & { readonly format: "interval" };

/** The fields of a strategy's params, by name. */
export type ParamFields = Readonly<Record<string, Field>>;

/** The value a strategy receives for one parameter field. */
export type ParamValue<F> = F extends { readonly format: "interval" } ? Interval
  : F extends { readonly format: "symbols" } ? readonly SymbolId[]
  : Infer<F>;

/** The params a strategy's handlers see: defaults applied, symbols and intervals parsed. */
export type ParamsOf<F extends ParamFields> =
  & { readonly [K in RequiredKeys<F>]: ParamValue<F[K]> }
  & { readonly [K in OptionalKeys<F>]?: ParamValue<F[K]> };

/** The keys a caller must give: the required ones. */
export type MandatoryKeys<F> = {
  [K in keyof F]: F[K] extends { readonly required: true } ? K : never;
}[keyof F];

/** The params a caller gives (in a TOML `[params]` table or a test): defaults may be left out. */
export type ParamsInput<F extends ParamFields> =
  & { readonly [K in MandatoryKeys<F>]: Infer<F[K]> }
  & { readonly [K in Exclude<keyof F, MandatoryKeys<F>>]?: Infer<F[K]> };

/**
 * The parameter field builders: the config schema's `string`, `number`, `boolean`, `enum`,
 * `array`, `table`, `map`, and the parsed `symbol`, `symbols`, `interval`.
 *
 * @example
 * ```ts
 * import { defineStrategy, param } from "@tesser/tesser/strategies";
 * import assert from "node:assert/strict";
 *
 * const definition = defineStrategy({
 *   name: "Example",
 *   description: "trades nothing",
 *   params: { symbol: param.symbol(), interval: param.interval({ default: "1h" }) },
 *   subscriptions: (p) => [{ kind: "candles", symbol: p.symbol, interval: p.interval }],
 * });
 * const strategy = definition.build({ symbol: "bybit:BTCUSDT" });
 * assert.deepEqual(strategy.subscriptions, [
 *   { kind: "candles", symbol: "bybit:BTCUSDT", interval: "1h" },
 * ]);
 * ```
 */
export const param = {
  ...field,
  /** A venue-qualified symbol (`bybit:BTCUSDT`); required unless a default is given. */
  symbol: <const O extends LeafOptions<string> = Record<never, never>>(
    options?: O,
  ): SymbolParamField & { readonly required: true } & O =>
    ({
      kind: "string",
      required: true,
      description: "venue-qualified symbol, e.g. bybit:BTCUSDT",
      ...options,
      format: "symbol",
    }) as SymbolParamField & { readonly required: true } & O,
  /** Distinct venue-qualified symbols; `count` fixes how many. */
  symbols: <
    const O extends LeafOptions<readonly string[]> & { count?: number } = Record<never, never>,
  >(
    options?: O,
  ): SymbolsParamField & { readonly required: true } & O =>
    ({
      kind: "array",
      item: { kind: "string" },
      required: true,
      description: "venue-qualified symbols",
      ...options,
      format: "symbols",
    }) as SymbolsParamField & { readonly required: true } & O,
  /** A bar interval (`1m`, `15m`, `1h`, `1d`, …). */
  interval: <const O extends LeafOptions<string> = Record<never, never>>(
    options?: O,
  ): IntervalParamField & { readonly default: string } & O =>
    ({
      kind: "string",
      default: "1m",
      description: "bar interval",
      ...options,
      format: "interval",
    }) as IntervalParamField & { readonly default: string } & O,
} as const;

const COUNT_WORDS: readonly string[] = ["zero", "one", "two", "three", "four", "five"];

function parseSymbols(
  strategy: string,
  name: string,
  node: { readonly count?: number },
  value: readonly string[],
): readonly SymbolId[] {
  if (node.count !== undefined && value.length !== node.count) {
    throw paramError(
      strategy,
      name,
      `needs exactly ${COUNT_WORDS[node.count] ?? node.count} symbols, got ${value.length} (${
        JSON.stringify(value)
      })`,
    );
  }
  const symbols = value.map((text) => parseOne(strategy, name, text, symbolId));
  const twice = symbols.find((symbol, i) => symbols.indexOf(symbol) !== i);
  if (twice !== undefined) throw paramError(strategy, name, `lists ${twice} twice`);
  return symbols;
}

function parseOne<T>(strategy: string, name: string, text: string, parse: (t: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    throw paramError(strategy, name, (error as Error).message);
  }
}

/**
 * Parses the `symbol`, `symbols` and `interval` params of validated `values` (defaults
 * applied); other values pass unchanged.
 *
 * @throws {ConfigError} naming the strategy and the parameter for a bad symbol or interval.
 */
export function parseParams<F extends ParamFields>(
  strategy: string,
  fields: F,
  values: Readonly<Record<string, unknown>>,
): ParamsOf<F> {
  const parsed: Record<string, unknown> = { ...values };
  for (const [name, node] of Object.entries(fields)) {
    const value = values[name];
    const format = (node as { readonly format?: unknown }).format;
    if (value === undefined || format === undefined) continue;
    switch (format) {
      case "symbol":
        parsed[name] = parseOne(strategy, name, value as string, symbolId);
        break;
      case "interval":
        parsed[name] = parseOne(strategy, name, value as string, parseInterval);
        break;
      case "symbols":
        parsed[name] = parseSymbols(
          strategy,
          name,
          node as SymbolsParamField,
          value as readonly string[],
        );
        break;
    }
  }
  return parsed as ParamsOf<F>;
}
