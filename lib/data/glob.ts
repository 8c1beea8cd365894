/**
 * Minimal file globbing for CLI sources (`data/*.csv.gz`): `*` and `?` within one path
 * component, `**` for any depth. Results are sorted so runs are deterministic.
 *
 * @module
 */

function componentRegex(component: string): RegExp {
  const escaped = component.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${escaped}$`);
}

async function walk(base: string, parts: readonly string[], out: string[]): Promise<void> {
  if (parts.length === 0) {
    out.push(base);
    return;
  }
  const [head, ...rest] = parts as [string, ...string[]];
  const dir = base === "" ? "." : base;
  const join = (
    name: string,
  ): string => (base === "" ? name : `${base.replace(/\/$/, "")}/${name}`);
  if (head === "**") {
    await walk(base, rest, out);
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(join(entry.name), parts, out);
    }
    return;
  }
  if (!/[*?]/.test(head)) {
    await walk(join(head), rest, out);
    return;
  }
  const re = componentRegex(head);
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (re.test(entry.name) && (rest.length === 0 || entry.isDirectory)) {
      await walk(join(entry.name), rest, out);
    }
  }
}

/**
 * Expands glob patterns to existing paths, sorted and de-duplicated; a pattern without
 * wildcards is returned as is (so a missing file is reported by whoever opens it).
 */
export async function expandGlobs(patterns: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const pattern of patterns) {
    if (!/[*?]/.test(pattern)) {
      out.push(pattern);
      continue;
    }
    const absolute = pattern.startsWith("/");
    const found: string[] = [];
    await walk(absolute ? "/" : "", pattern.split("/").filter((p) => p !== ""), found);
    out.push(...found.sort());
  }
  return [...new Set(out)];
}
