/**
 * Progress bars for long `tesser data` work; the one module that imports `cli-progress`. A bar
 * is drawn on standard error only when it is a terminal ({@linkcode CommandIo.isTty}), so
 * tests, pipes and redirected output never see one.
 *
 * @module
 */

// @ts-types="@types/cli-progress"
import cliProgress from "cli-progress";
import process from "node:process";
import type { CommandIo } from "./io.ts";

/** A running progress report. */
export interface Progress {
  /** Reports how much is done so far (bytes or rows, in the unit of the total). */
  update(done: number): void;
  /** Finishes the bar (leaves the last state on screen). Safe to call twice. */
  stop(): void;
}

/** What a bar writes to: a terminal stream, or a fake one in tests. */
export interface ProgressStream {
  /** Whether the stream is a terminal (cursor movements are written only then). */
  readonly isTTY: boolean;
  /** Terminal width in characters, when known. */
  readonly columns?: number;
  /** Writes raw text (the bar and terminal escape codes). */
  write(chunk: string): boolean;
}

/** Options of {@linkcode startProgress}. */
export interface ProgressOptions {
  /** What the total counts: `bytes` shows MiB, `rows` plain numbers (default `rows`). */
  readonly unit?: "bytes" | "rows";
  /** Where to draw (default: the process's standard error). */
  readonly stream?: ProgressStream;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

function formatAmount(value: number, unit: "bytes" | "rows"): string {
  return unit === "bytes"
    ? `${(value / 2 ** 20).toFixed(1)} MiB`
    : Math.round(value).toLocaleString("en");
}

/**
 * Starts a bar of `total` units labelled `label`, or returns a no-op when standard error is
 * not a terminal or there is nothing to count.
 *
 * @example
 * ```ts
 * import { recordingIo } from "./io.ts";
 * import { startProgress } from "./progress.ts";
 * const progress = startProgress(recordingIo(), 1000, "rows");
 * progress.update(500);
 * progress.stop();
 * ```
 */
export function startProgress(
  io: CommandIo,
  total: number,
  label: string,
  options: ProgressOptions = {},
): Progress {
  if (!io.isTty || !(total > 0)) return NO_PROGRESS;
  const unit = options.unit ?? "rows";
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {percentage}% | {value} / {total} | ETA {eta_formatted}`,
    formatValue: (value: number, _options: cliProgress.Options, type: string): string =>
      type === "value" || type === "total" ? formatAmount(value, unit) : String(value),
    hideCursor: true,
    stream: (options.stream ?? process.stderr) as NodeJS.WritableStream,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  let stopped = false;
  return {
    update: (done) => {
      if (!stopped) bar.update(Math.min(done, total));
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
