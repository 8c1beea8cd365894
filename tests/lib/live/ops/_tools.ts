/**
 * Finding the Prometheus tools (Debian's `prometheus` package, which `.ci/run` installs). Their
 * tests are skipped with a warning on a machine without them, but fail under CI, where a missing
 * tool means the install step broke.
 *
 * @module
 */

/** The absolute path of `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    try {
      const path = `${dir}/${name}`;
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** The tool's path; warns (or, under CI, throws) when it is missing. */
export function requireTool(name: string, test: string): string | undefined {
  const path = findOnPath(name);
  if (path !== undefined) return path;
  if (Deno.env.get("CI") !== undefined) {
    throw new Error(`${test}: ${name} is not on PATH under CI; .ci/run should have installed it`);
  }
  console.warn(`${test}: ${name} is not on PATH (apt-get install prometheus); skipped`);
  return undefined;
}

/** Runs `path args…` with `stdin`; returns its exit code and stdout + stderr as text. */
export async function runTool(
  path: string,
  args: readonly string[],
  stdin = "",
): Promise<{ readonly code: number; readonly out: string }> {
  const child = new Deno.Command(path, {
    args: [...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, out: decoder.decode(stdout) + decoder.decode(stderr) };
}
