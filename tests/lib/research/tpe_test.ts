import assert from "node:assert/strict";
import { Random } from "../../../lib/data/mod.ts";
import {
  parseSpace,
  randomTrials,
  TpeSampler,
  type TrialParams,
} from "../../../lib/research/mod.ts";

const CONTINUOUS = parseSpace(
  "[params.x]\nmin = -5\nmax = 10\ninteger = false\n[params.y]\nmin = 0\nmax = 15\ninteger = false\n",
  "s.toml",
);

// Branin–Hoo, minimum 0.397887 at (−π, 12.275), (π, 2.275) and (9.42478, 2.475).
function branin(p: TrialParams): number {
  const x = p.x as number;
  const y = p.y as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
}

function sphere(p: TrialParams): number {
  return ((p.x as number) - 2) ** 2 + ((p.y as number) - 7) ** 2;
}

function tpeBest(f: (p: TrialParams) => number, trials: number, seed: number): number {
  const tpe = new TpeSampler(CONTINUOUS, { seed });
  let best = Infinity;
  for (let i = 0; i < trials; i++) {
    const params = tpe.ask();
    const value = f(params);
    best = Math.min(best, value);
    tpe.tell(params, -value);
  }
  return best;
}

function randomBest(f: (p: TrialParams) => number, trials: number, seed: number): number {
  return Math.min(...randomTrials(CONTINUOUS, { trials, seed }).map(f));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

Deno.test("TPE beats random search on Branin and a shifted sphere with the same budget", () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7];
  for (const [name, f, target] of [["branin", branin, 0.6], ["sphere", sphere, 0.3]] as const) {
    const tpe = seeds.map((seed) => tpeBest(f, 100, seed));
    const rnd = seeds.map((seed) => randomBest(f, 100, seed));
    assert.ok(median(tpe) < median(rnd), `${name}: TPE ${median(tpe)} vs random ${median(rnd)}`);
    assert.ok(median(tpe) < target, `${name}: TPE median best ${median(tpe)}`);
  }
});

Deno.test("TPE is reproducible with its seed and respects grids, values and constraints", () => {
  const space = parseSpace(
    `constraints = ["fast < slow"]
[params.fast]
min = 2
max = 30
step = 2
[params.slow]
values = [10, 20, 40]
[params.stop]
min = 0.001
max = 0.1
log = true
`,
    "s.toml",
  );
  const run = (seed: number): TrialParams[] => {
    const tpe = new TpeSampler(space, { seed, startup: 5 });
    const random = new Random(99);
    const asked: TrialParams[] = [];
    for (let i = 0; i < 40; i++) {
      const p = tpe.ask();
      asked.push(p);
      // Failed trials (null) count as the worst.
      tpe.tell(p, i % 7 === 0 ? null : -Math.abs((p.fast as number) - 12) + random.next());
    }
    return asked;
  };
  const a = run(3);
  assert.deepEqual(run(3), a);
  assert.notDeepEqual(run(4), a);
  assert.equal(new Set(a.map((p) => JSON.stringify(p))).size, a.length);
  for (const p of a) {
    const fast = p.fast as number;
    assert.ok(Number.isInteger(fast) && fast % 2 === 0 && fast >= 2 && fast <= 30);
    assert.ok([10, 20, 40].includes(p.slow as number));
    assert.ok(fast < (p.slow as number));
    const stop = p.stop as number;
    assert.ok(stop >= 0.001 && stop <= 0.1);
  }
  // The model concentrates on fast ≈ 12 after the start-up trials.
  const late = a.slice(25).map((p) => Math.abs((p.fast as number) - 12));
  assert.ok(median(late) <= 4, `late |fast − 12|: ${late}`);
});
