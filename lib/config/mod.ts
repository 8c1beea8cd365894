/**
 * Layered TOML configuration with schema validation: default → env profile → local →
 * `TESSER_*` environment variables → CLI flags. It may import only `lib/domain`.
 *
 * @module
 */

export * from "./loader.ts";
export * from "./read_file.ts";
export * from "./schema.ts";
export * from "./secrets.ts";
export * from "./tesser_schema.ts";
export { findKeyLine, parseToml, stringifyToml, type TomlTable } from "./toml.ts";
