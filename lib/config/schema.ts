/**
 * A small schema language for configuration: it validates parsed TOML (and typed environment
 * or flag overrides) and infers the TypeScript type of the result. Unknown keys are errors.
 *
 * @module
 */

/** A string value. */
export interface StringField {
  /** Discriminant. */
  readonly kind: "string";
  /** Must be present once every layer is merged. */
  readonly required?: boolean;
  /** Value used when no layer sets one. */
  readonly default?: string;
  /** One line for help texts. */
  readonly description?: string;
}
/** A finite number, optionally an integer within bounds. */
export interface NumberField {
  /** Discriminant. */
  readonly kind: "number";
  /** Must be present once every layer is merged. */
  readonly required?: boolean;
  /** Value used when no layer sets one. */
  readonly default?: number;
  /** One line for help texts. */
  readonly description?: string;
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
}
/** `true` or `false`. */
export interface BooleanField {
  /** Discriminant. */
  readonly kind: "boolean";
  /** Must be present once every layer is merged. */
  readonly required?: boolean;
  /** Value used when no layer sets one. */
  readonly default?: boolean;
  /** One line for help texts. */
  readonly description?: string;
}
/** One of a fixed set of strings. */
export interface EnumField<V extends string = string> {
  /** Discriminant. */
  readonly kind: "enum";
  /** The allowed values. */
  readonly values: readonly V[];
  /** Must be present once every layer is merged. */
  readonly required?: boolean;
  /** Value used when no layer sets one. */
  readonly default?: V;
  /** One line for help texts. */
  readonly description?: string;
}
/** An array of one field type. */
export interface ArrayField<I extends Field = Field> {
  /** Discriminant. */
  readonly kind: "array";
  /** Type of each element. */
  readonly item: I;
  /** Must be present once every layer is merged. */
  readonly required?: boolean;
  /** Value used when no layer sets one. */
  readonly default?: readonly (string | number | boolean)[];
  /** One line for help texts. */
  readonly description?: string;
}
/** A table with known keys. */
export interface TableField<
  F extends Readonly<Record<string, Field>> = Readonly<Record<string, Field>>,
> {
  /** Discriminant. */
  readonly kind: "table";
  /** The allowed keys. */
  readonly fields: F;
  /** Must be present once every layer is merged. */
  readonly required?: boolean;
}
/** A table with free keys (names chosen by the user) and one value type. */
export interface MapField<V extends Field = Field> {
  /** Discriminant. */
  readonly kind: "map";
  /** Type of each value. */
  readonly value: V;
  /** Must be present once every layer is merged. */
  readonly required?: boolean;
}

/** Any schema node. */
export type Field =
  | StringField
  | NumberField
  | BooleanField
  | EnumField
  | ArrayField
  | TableField
  | MapField;

/** The keys of a table schema that are always present: required or with a default. */
export type RequiredKeys<F> = {
  [K in keyof F]: F[K] extends { readonly required: true } ? K
    : F[K] extends { readonly default: unknown } ? K
    : never;
}[keyof F];
/** The keys of a table schema that may be absent. */
export type OptionalKeys<F> = Exclude<keyof F, RequiredKeys<F>>;

/** The TypeScript type a schema node validates to. */
export type Infer<F> = F extends StringField ? string
  : F extends NumberField ? number
  : F extends BooleanField ? boolean
  : F extends EnumField<infer V> ? V
  : F extends ArrayField<infer I> ? readonly Infer<I>[]
  : F extends TableField<infer R> ?
      & { readonly [K in RequiredKeys<R>]: Infer<R[K]> }
      & { readonly [K in OptionalKeys<R>]?: Infer<R[K]> }
  : F extends MapField<infer V> ? Readonly<Record<string, Infer<V>>>
  : never;

/** Options every leaf builder takes. */
export interface LeafOptions<T> {
  /** Must be present once every layer is merged. */
  readonly required?: boolean;
  /** Value used when nothing sets one (makes the key present in the inferred type). */
  readonly default?: T;
  /** One line for help texts. */
  readonly description?: string;
}

/** Builders for schema nodes. */
export const field = {
  /** A string. */
  string: <const O extends LeafOptions<string>>(options?: O): StringField & O =>
    ({ kind: "string", ...options }) as StringField & O,
  /** A number. */
  number: <const O extends LeafOptions<number> & { integer?: boolean; min?: number; max?: number }>(
    options?: O,
  ): NumberField & O => ({ kind: "number", ...options }) as NumberField & O,
  /** A boolean. */
  boolean: <const O extends LeafOptions<boolean>>(options?: O): BooleanField & O =>
    ({ kind: "boolean", ...options }) as BooleanField & O,
  /** One of `values`. */
  enum: <const V extends string, const O extends LeafOptions<V> = LeafOptions<V>>(
    values: readonly V[],
    options?: O,
  ): EnumField<V> & O => ({ kind: "enum", values, ...options }) as EnumField<V> & O,
  /** An array of `item`. */
  array: <
    I extends Field,
    const O extends LeafOptions<readonly (string | number | boolean)[]> = LeafOptions<
      readonly (string | number | boolean)[]
    >,
  >(
    item: I,
    options?: O,
  ): ArrayField<I> & O => ({ kind: "array", item, ...options }) as ArrayField<I> & O,
  /** A table with the given keys. */
  table: <
    const F extends Readonly<Record<string, Field>>,
    const O extends { required?: boolean } = { required?: boolean },
  >(
    fields: F,
    options?: O,
  ): TableField<F> & O => ({ kind: "table", fields, ...options }) as TableField<F> & O,
  /** A table of user-named entries of one type. */
  map: <V extends Field, const O extends { required?: boolean } = { required?: boolean }>(
    value: V,
    options?: O,
  ): MapField<V> & O => ({ kind: "map", value, ...options }) as MapField<V> & O,
} as const;
/** Describes a schema node for error messages ("a number", "one of info, warn"). */
export function describeField(node: Field): string {
  switch (node.kind) {
    case "string":
      return "a string";
    case "number":
      return node.integer === true ? "an integer" : "a number";
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${node.values.map((v) => `"${v}"`).join(", ")}`;
    case "array":
      return `an array of ${describeField(node.item).replace(/^an? /, "")}s`;
    case "table":
    case "map":
      return "a table";
    default: {
      const unknown: never = node;
      throw new TypeError(`Unknown schema node ${JSON.stringify(unknown)}`);
    }
  }
}

/** Fills in the defaults of `schema` where `value` has no key (tables only, recursively). */
export function applyDefaults(
  schema: TableField,
  value: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const result: Record<string, unknown> = { ...value };
  for (const [key, node] of Object.entries(schema.fields)) {
    const item = result[key];
    if (item === undefined) {
      if (node.kind !== "table" && node.kind !== "map" && node.default !== undefined) {
        result[key] = node.default;
      } else if (node.kind === "table") {
        const filled = applyDefaults(node, {});
        if (Object.keys(filled).length > 0) result[key] = filled;
      }
    } else if (
      node.kind === "table" && item !== null && typeof item === "object" && !Array.isArray(item)
    ) {
      result[key] = applyDefaults(node, item as Readonly<Record<string, unknown>>);
    }
  }
  return result;
}
