/**
 * JSON-safe data, for snapshots, report fields and params.
 *
 * @module
 */

/** A value `JSON.stringify` round-trips exactly. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };
