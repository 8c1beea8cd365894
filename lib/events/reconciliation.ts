/**
 * What a reconciliation found: the differences between our ledger and what a venue reports,
 * each with what was done about it. Carried by the `reconciliation` event.
 *
 * @module
 */

import type { Decimal, SymbolId } from "../domain/mod.ts";

/** Whether one part of the account was compared, or could not be (the venue query failed). */
export type ReconciliationScope =
  | { readonly status: "compared" }
  | {
    readonly status: "unknown";
    /** Why the venue's figures are unknown (never taken as zero). */
    readonly reason: string;
  };

/** What was done about a difference. */
export type ReconciliationAction = "adopted" | "ignored";

/** A position that differs between the ledger and the venue. */
export interface PositionDifference {
  /** Discriminant. */
  readonly kind: "position";
  /** Venue-qualified symbol. */
  readonly symbol: SymbolId;
  /** Signed quantity in the ledger before reconciling. */
  readonly ledgerQuantity: Decimal;
  /** Signed quantity the venue reports. */
  readonly venueQuantity: Decimal;
  /** Average entry price in the ledger (0 when flat). */
  readonly ledgerEntryPrice: Decimal;
  /** Average entry price the venue reports (0 when flat). */
  readonly venueEntryPrice: Decimal;
  /** `adopted`: the ledger now holds the venue's figures; `ignored`: see the explanation. */
  readonly action: ReconciliationAction;
  /** Id of the synthetic adjustment that booked it (deterministic), when adopted. */
  readonly adjustmentId?: string;
  /** One line for humans: what differed and what was done. */
  readonly explanation: string;
}

/** A balance that differs between the ledger and the venue. */
export interface BalanceDifference {
  /** Discriminant. */
  readonly kind: "balance";
  /** Currency code. */
  readonly currency: string;
  /** Wallet total in the ledger before reconciling. */
  readonly ledgerTotal: Decimal;
  /** Wallet total the venue reports. */
  readonly venueTotal: Decimal;
  /** `adopted`: the ledger now holds the venue's figure; `ignored`: see the explanation. */
  readonly action: ReconciliationAction;
  /** Id of the synthetic adjustment that booked it (deterministic), when adopted. */
  readonly adjustmentId?: string;
  /** One line for humans: what differed and what was done. */
  readonly explanation: string;
}

/** One difference a reconciliation found. */
export type ReconciliationDifference = PositionDifference | BalanceDifference;
