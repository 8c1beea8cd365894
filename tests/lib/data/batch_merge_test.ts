import assert from "node:assert/strict";
import { mergeEvents } from "../../../lib/data/mod.ts";
import { mergeEventBatches } from "../../../lib/data/_batch_merge.ts";
import type { EventTimes } from "../../../lib/events/mod.ts";

interface Tagged extends EventTimes {
  readonly source: number;
  readonly n: number;
}

function split<T>(items: readonly T[], sizes: () => number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length;) {
    const size = sizes();
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

Deno.test("mergeEventBatches gives mergeEvents' order: by time, ties in source order", async () => {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 30; round++) {
    const sources: Tagged[][] = Array.from({ length: 1 + (round % 5) }, (_, source) => {
      let t = 0;
      return Array.from({ length: Math.floor(random() * 300) }, (_, n) => {
        t += Math.floor(random() * 3); // many ties
        return { ts: t, tsRecv: t, source, n };
      });
    });
    const want = (await Array.fromAsync(mergeEvents(sources))).map((e) => `${e.source}.${e.n}`);
    const batched = sources.map((events) => split(events, () => Math.floor(random() * 7)));
    const got: string[] = [];
    for await (const batch of mergeEventBatches(batched, { batchSize: 16 })) {
      for (const e of batch) got.push(`${e.source}.${e.n}`);
    }
    assert.deepEqual(got, want);
  }
});

Deno.test("mergeEventBatches yields what it merged before a source fails, then the error", async () => {
  async function* failing(): AsyncGenerator<readonly Tagged[]> {
    yield [{ ts: 1, tsRecv: 1, source: 0, n: 0 }, { ts: 3, tsRecv: 3, source: 0, n: 1 }];
    throw new Error("boom");
  }
  const other: Tagged[][] = [[{ ts: 2, tsRecv: 2, source: 1, n: 0 }, {
    ts: 5,
    tsRecv: 5,
    source: 1,
    n: 1,
  }]];
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const batch of mergeEventBatches([failing(), other])) {
      for (const e of batch) seen.push(e.ts);
    }
  }, /boom/);
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("mergeEventBatches reports the first event out of order in its source, after what came before", async () => {
  const at = (t: number, source: number, n: number): Tagged => ({ ts: t, tsRecv: t, source, n });
  const a = [[at(1, 0, 0), at(4, 0, 1)], [at(6, 0, 2), at(5, 0, 3), at(7, 0, 4)]];
  const b = [[at(2, 1, 0), at(3, 1, 1), at(9, 1, 2)]];
  const seen: number[] = [];
  await assert.rejects(
    async () => {
      const merged = mergeEventBatches([a, b], {
        unsorted: (source, index, time, previous) =>
          new RangeError(`source ${source} event ${index}: ${time} < ${previous}`),
      });
      for await (const batch of merged) for (const e of batch) seen.push(e.ts);
    },
    /source 0 event 4: 5 < 6/,
  );
  assert.deepEqual(seen, [1, 2, 3, 4, 6]);
  // Alone, the same source fails the same way.
  const alone: number[] = [];
  await assert.rejects(async () => {
    const merged = mergeEventBatches([a], { unsorted: (_s, index) => new RangeError(`#${index}`) });
    for await (const batch of merged) for (const e of batch) alone.push(e.ts);
  }, /#4/);
  assert.deepEqual(alone, [1, 4, 6]);
});
