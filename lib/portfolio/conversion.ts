/**
 * How the portfolio values each currency in its reporting currency: a route through the last
 * price of one instrument, chosen once at construction.
 *
 * @module
 */

import type { Instrument } from "../domain/mod.ts";

/**
 * How to turn an amount of one currency into the reporting currency:
 * `identity` (it is the reporting currency), `multiply` by the price of an instrument whose
 * base is the currency and whose quote is the reporting currency, or `divide` by the price of
 * an instrument whose base is the reporting currency and whose quote is the currency.
 */
export type ConversionRoute =
  | { readonly kind: "identity" }
  | { readonly kind: "multiply"; readonly instrument: number }
  | { readonly kind: "divide"; readonly instrument: number };

/**
 * Chooses a route for every currency: the reporting currency itself, else the first
 * instrument (in the given order) quoting the currency in the reporting currency, else the
 * first quoting the reporting currency in the currency. `instrument` is an index into
 * `instruments`.
 *
 * @throws {RangeError} naming the currency when no instrument links it to the reporting one.
 */
export function planConversions(
  instruments: readonly Instrument[],
  currencies: readonly string[],
  reportingCurrency: string,
): readonly ConversionRoute[] {
  return currencies.map((currency): ConversionRoute => {
    if (currency === reportingCurrency) return { kind: "identity" };
    const direct = instruments.findIndex((i) =>
      i.base === currency && i.quote === reportingCurrency
    );
    if (direct >= 0) return { kind: "multiply", instrument: direct };
    const reverse = instruments.findIndex((i) =>
      i.base === reportingCurrency && i.quote === currency
    );
    if (reverse >= 0) return { kind: "divide", instrument: reverse };
    throw new RangeError(
      `Portfolio: cannot value ${currency} in the reporting currency ${reportingCurrency}: ` +
        `no instrument trades ${currency} against ${reportingCurrency} ` +
        `(instruments: ${instruments.map((i) => i.symbol).join(", ") || "none"})`,
    );
  });
}
