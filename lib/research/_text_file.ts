/**
 * Atomic text output of the research files: a temp file next to the target, then a rename,
 * so a crashed or killed run never leaves half a file behind.
 *
 * @module
 */

import { DataError } from "../domain/mod.ts";

/** Writes `text` to `path` atomically. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(temp, text);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => undefined);
    throw new DataError(`Cannot write ${path}: ${(error as Error).message}`, {
      location: { file: path },
      hint: "check that the folder exists and is writable",
    });
  }
}
