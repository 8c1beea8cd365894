/**
 * The `--name value` flags of the live benchmarks, read from `Deno.args`.
 *
 * @module
 */

/** The value after `--name` in the script's arguments, or `fallback` when it is absent. */
export function flag(name: string, fallback: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? (Deno.args[at + 1] ?? fallback) : fallback;
}
