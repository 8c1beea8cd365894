/**
 * The worker that encodes and compresses `equity.parquet` while the run goes on, on the second
 * core: the recorder posts each chunk of marks (transferred, not copied) and the worker appends
 * it; a shared counter of chunks in flight lets the recorder wait when the worker falls behind,
 * so memory stays bounded. Messages: `open` → `opened`, `append` (no answer), `close` → `closed`,
 * `abort` → `aborted`; any failure → `error` with the message.
 *
 * @module
 */

import { EquityParquetWriter } from "../data/equity_parquet.ts";

/** A message to the worker. */
export type EquityWorkerRequest =
  | {
    readonly kind: "open";
    readonly path: string;
    readonly tempPath: string;
    readonly inFlight: SharedArrayBuffer;
  }
  | {
    readonly kind: "append";
    readonly ts: Float64Array;
    readonly equity: Float64Array;
    readonly drawdown: Float64Array;
    readonly n: number;
  }
  | { readonly kind: "close" }
  | { readonly kind: "abort" };

/** A message from the worker. */
export type EquityWorkerReply =
  | { readonly kind: "opened" | "closed" | "aborted" }
  | { readonly kind: "error"; readonly message: string }
  | {
    readonly kind: "returned";
    readonly ts: Float64Array;
    readonly equity: Float64Array;
    readonly drawdown: Float64Array;
  };

// The worker's global scope, typed here (a lib reference would change the globals of the
// whole package).
const scope = globalThis as unknown as {
  postMessage(message: EquityWorkerReply, transfer: ArrayBuffer[]): void;
  onmessage: ((event: MessageEvent<EquityWorkerRequest>) => Promise<void>) | null;
};

let writer: EquityParquetWriter | undefined;
let inFlight: Int32Array | undefined;
let failed = false;

function reply(message: EquityWorkerReply, transfer: ArrayBuffer[] = []): void {
  scope.postMessage(message, transfer);
}

scope.onmessage = async (event: MessageEvent<EquityWorkerRequest>): Promise<void> => {
  const message = event.data;
  try {
    switch (message.kind) {
      case "open":
        inFlight = new Int32Array(message.inFlight);
        writer = await EquityParquetWriter.create(message.path, {}, message.tempPath);
        reply({ kind: "opened" });
        return;
      case "append":
        // After a failure the chunks are only counted off, so the recorder never waits forever.
        if (!failed) writer?.append(message.ts, message.equity, message.drawdown, message.n);
        // The buffers go back for the next chunk: this isolate barely allocates, so it would
        // otherwise collect them late and hold tens of MB.
        reply(
          { kind: "returned", ts: message.ts, equity: message.equity, drawdown: message.drawdown },
          [
            message.ts.buffer as ArrayBuffer,
            message.equity.buffer as ArrayBuffer,
            message.drawdown.buffer as ArrayBuffer,
          ],
        );
        return;
      case "close":
        if (writer === undefined) throw new Error("equity worker closed before it opened");
        await writer.close();
        reply({ kind: "closed" });
        return;
      case "abort":
        await writer?.abort();
        reply({ kind: "aborted" });
        return;
      default: {
        const never: never = message;
        throw new Error(`unknown equity worker message ${JSON.stringify(never)}`);
      }
    }
  } catch (error) {
    failed = true;
    reply({ kind: "error", message: error instanceof Error ? error.message : String(error) });
  } finally {
    if (message.kind === "append" && inFlight !== undefined) {
      Atomics.sub(inFlight, 0, 1);
      Atomics.notify(inFlight, 0);
    }
  }
};
