// How a strategy's feature spec is named in errors: both sides of a mismatch must be visible.

import type { ModelSpec } from "../domain/mod.ts";

const SHOWN = 6;

/** `9 features (ret_1, ret_5, …)`, listing the first few names. */
export function describeFeatures(names: readonly string[]): string {
  const shown = names.slice(0, SHOWN).join(", ");
  return `${names.length} feature${names.length === 1 ? "" : "s"} (${shown}${
    names.length > SHOWN ? ", …" : ""
  })`;
}

/** What the strategy feeds: `strategy MlClassifier feeds 1 row × 9 features (…)`. */
export function describeSpec(spec: ModelSpec, owner: string): string {
  return `strategy ${owner} feeds ${spec.window} row${spec.window === 1 ? "" : "s"} × ${
    describeFeatures(spec.features)
  }`;
}

/** Values per model input: window × features. */
export function inputSize(spec: ModelSpec): number {
  return spec.window * spec.features.length;
}
