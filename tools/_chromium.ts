/**
 * A headless Chromium driven over the DevTools protocol, for the report.html test and the
 * render benchmark: started with a fresh profile and `--remote-debugging-port=0` (the port it
 * picked is read from `DevToolsActivePort`), spoken to over one WebSocket on 127.0.0.1, and
 * stopped (process killed and awaited, profile removed) by {@linkcode HeadlessChromium.close}.
 *
 * @module
 */

/** Flags for a quiet, isolated headless run (no network, no sync, no first-run pages). */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--remote-debugging-address=127.0.0.1",
  "--remote-debugging-port=0",
];

/** The Chromium binary: `$CHROMIUM` or the first of the usual names on PATH; undefined if none. */
export function findChromium(): string | undefined {
  const explicit = Deno.env.get("CHROMIUM");
  if (explicit !== undefined && explicit !== "") return explicit;
  const path = Deno.env.get("PATH") ?? "";
  for (const name of ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) {
    for (const dir of path.split(":")) {
      if (dir === "") continue;
      try {
        const file = `${dir}/${name}`;
        if (Deno.statSync(file).isFile) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** What a page did while it loaded. */
export interface PageProblems {
  /** Console errors, uncaught exceptions and error log entries, as text. */
  readonly errors: string[];
}

type Message = {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
};

/** One Chromium process and its browser-level DevTools connection. */
export class HeadlessChromium {
  readonly #process: Deno.ChildProcess;
  readonly #profile: string;
  readonly #socket: WebSocket;
  #nextId = 1;
  readonly #pending = new Map<number, (message: Message) => void>();
  readonly #listeners: ((message: Message) => void)[] = [];

  private constructor(process: Deno.ChildProcess, profile: string, socket: WebSocket) {
    this.#process = process;
    this.#profile = profile;
    this.#socket = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as Message;
      if (message.id !== undefined) {
        this.#pending.get(message.id)?.(message);
        this.#pending.delete(message.id);
      } else {
        for (const listener of this.#listeners) listener(message);
      }
    };
  }

  /**
   * Starts `binary` headless and connects; fails after `timeoutMs` without a DevTools port.
   *
   * @throws {Error} when Chromium exits or does not open its port in time.
   */
  static async launch(binary: string, timeoutMs = 20_000): Promise<HeadlessChromium> {
    const profile = await Deno.makeTempDir({ prefix: "tesser-chromium-" });
    const process = new Deno.Command(binary, {
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "about:blank"],
      stdout: "null",
      stderr: "null",
      stdin: "null",
    }).spawn();
    const deadline = Date.now() + timeoutMs;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      try {
        lines = (await Deno.readTextFile(`${profile}/DevToolsActivePort`)).trim().split("\n");
        if (lines.length >= 2) break;
      } catch {
        // not written yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (lines.length < 2) {
      try {
        process.kill("SIGKILL");
      } catch {
        // already gone
      }
      await process.status;
      await Deno.remove(profile, { recursive: true }).catch(() => undefined);
      throw new Error(`${binary} did not open a DevTools port within ${timeoutMs} ms`);
    }
    const socket = new WebSocket(`ws://127.0.0.1:${lines[0]}${lines[1]}`);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error("cannot connect to Chromium's DevTools socket"));
    });
    return new HeadlessChromium(process, profile, socket);
  }

  /** Sends one DevTools command (to a page session when `sessionId` is given). */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (message) => {
        if (message.error !== undefined) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result ?? {});
      });
      this.#socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  /**
   * Opens `url` in a new page and waits for its load event (at most `timeoutMs`); returns the
   * page's session id and the errors it reported meanwhile (the list keeps filling after).
   */
  async open(url: string, timeoutMs = 30_000): Promise<{ session: string } & PageProblems> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const session = String(sessionId);
    const errors: string[] = [];
    let loaded: () => void = () => {};
    const load = new Promise<void>((resolve) => (loaded = resolve));
    this.#listeners.push((message) => {
      if (message.sessionId !== session) return;
      const p = message.params ?? {};
      if (message.method === "Page.loadEventFired") loaded();
      if (message.method === "Runtime.exceptionThrown") errors.push(JSON.stringify(p));
      if (message.method === "Runtime.consoleAPICalled" && p.type === "error") {
        errors.push(JSON.stringify(p.args));
      }
      if (message.method === "Log.entryAdded") {
        const entry = p.entry as { level?: string; text?: string } | undefined;
        if (entry?.level === "error") errors.push(entry.text ?? "log error");
      }
    });
    await this.send("Page.enable", {}, session);
    await this.send("Runtime.enable", {}, session);
    await this.send("Log.enable", {}, session);
    await this.send("Performance.enable", {}, session);
    await this.send("Page.navigate", { url }, session);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      load,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${url} did not load in ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    return { session, errors };
  }

  /** Evaluates `expression` in the page and returns its JSON value. */
  async evaluate(session: string, expression: string): Promise<unknown> {
    const { result, exceptionDetails } = await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    }, session);
    if (exceptionDetails !== undefined) {
      throw new Error(`evaluate failed: ${JSON.stringify(exceptionDetails)}`);
    }
    return (result as { value?: unknown }).value;
  }

  /** A PNG screenshot of the whole page. */
  async screenshot(session: string): Promise<Uint8Array> {
    const { data } = await this.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
    }, session);
    const text = atob(String(data));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }

  /** Closes the browser: the socket, the process (killed and awaited) and the profile. */
  async close(): Promise<void> {
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
    try {
      this.#process.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.#process.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => undefined);
  }
}
