/** Shared fixtures of the recording tap tests: a sink that keeps its lines, a socket driven by hand. */

import type { RecordingSink } from "../../../connectors/recording/recorder.ts";
import type { TapSocket } from "../../../connectors/recording/tap.ts";

/** A sink that keeps every line written. */
export function collect(): { sink: RecordingSink; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    sink: {
      write(_times, written, count) {
        for (let i = 0; i < count; i++) lines.push(written[i]);
        return Promise.resolve();
      },
      close: () => Promise.resolve([]),
    },
  };
}

/** A socket whose events the test fires. */
export class FakeSocket implements TapSocket {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  send(_data: string): void {}
  close(): void {}
  receive(text: string): void {
    this.onmessage?.(new MessageEvent("message", { data: text }));
  }
}
