/**
 * `live.reconciliation_threshold`: how far the venue's figures may be from the ledger's before
 * adopting them is worth an operator's attention. A pass adopts every difference (the venue is
 * the source of truth) and logs and counts it; the ones beyond the threshold also raise one
 * `reconciliation-adopted` alert per pass. The threshold is a fraction of the larger of the two
 * figures (`|venue − ledger| / max(|venue|, |ledger|)`), so a fee rounding on a wallet stays
 * quiet and a position the ledger did not hold (100%) never does.
 *
 * @module
 */

import type { Decimal } from "../domain/mod.ts";
import type { AlertEvent, ReconciliationDifference, ReconciliationEvent } from "../events/mod.ts";

/** The alert's code. */
export const RECONCILIATION_ADOPTED = "reconciliation-adopted";

/** `|venue − ledger|` as a fraction of the larger figure (0 when both are zero). */
export function relativeDifference(ledger: Decimal, venue: Decimal): number {
  const scale = ledger.abs().gt(venue.abs()) ? ledger.abs() : venue.abs();
  if (scale.isZero()) return 0;
  return venue.minus(ledger).abs().div(scale).toNumber();
}

function figures(difference: ReconciliationDifference): readonly [Decimal, Decimal] {
  switch (difference.kind) {
    case "position":
      return [difference.ledgerQuantity, difference.venueQuantity];
    case "balance":
      return [difference.ledgerTotal, difference.venueTotal];
    default: {
      const unknown: never = difference;
      throw new TypeError(`Unknown reconciliation difference ${JSON.stringify(unknown)}`);
    }
  }
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}

/**
 * The alert for what `event` adopted beyond `threshold` (a fraction ≥ 0), or `undefined` when it
 * adopted nothing beyond it. `reason` is the pass's (`start`, `periodic`, `reconnect`).
 */
export function adoptedAlert(
  event: ReconciliationEvent,
  threshold: number,
  reason: string,
): AlertEvent | undefined {
  const beyond = event.differences.flatMap((difference) => {
    if (difference.action !== "adopted") return [];
    const [ledger, venue] = figures(difference);
    const fraction = relativeDifference(ledger, venue);
    return fraction > threshold ? [{ difference, ledger, venue, fraction }] : [];
  });
  if (beyond.length === 0) return undefined;
  const items = beyond.map(({ difference, ledger, venue, fraction }) =>
    `${
      difference.kind === "position" ? difference.symbol : difference.currency
    } ${difference.kind} ${ledger} → ${venue} (${percent(fraction)})`
  );
  // An alert about one position names its symbol.
  const only = beyond.length === 1 ? beyond[0].difference : undefined;
  return {
    kind: "alert",
    ts: event.ts,
    tsRecv: event.tsRecv,
    severity: "warning",
    code: RECONCILIATION_ADOPTED,
    message: `reconciliation (${reason}) adopted the venue's figures beyond ` +
      `live.reconciliation_threshold ${percent(threshold)}: ${items.join("; ")}`,
    ...(only?.kind === "position" ? { symbol: only.symbol } : {}),
  };
}
