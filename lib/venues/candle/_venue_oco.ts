/**
 * One-cancels-other resolution inside one bar: when two or more legs of a group could fill on
 * the same bar, exactly one is kept; the bar counts as ambiguous when the intrabar model, not
 * the bar itself, decided which.
 *
 * @module
 */

import type { Candidate } from "./_venue_match.ts";

function isStop(candidate: Candidate): boolean {
  const kind = candidate.working.kind;
  return kind === "stop-market" || kind === "stop-limit";
}

/**
 * Orders legs worst-first for the trader: on one side, the worse price (highest buy, lowest
 * sell); otherwise (mixed sides or equal prices) stops before limits, then submission order.
 */
function worseFirst(a: Candidate, b: Candidate): number {
  if (a.working.buy === b.working.buy && a.estimate !== b.estimate) {
    return a.working.buy ? b.estimate - a.estimate : a.estimate - b.estimate;
  }
  const stops = Number(isStop(b)) - Number(isStop(a));
  return stops !== 0 ? stops : a.working.seq - b.working.seq;
}

/** The candidates to execute, in path order, and how many OCO groups were ambiguous. */
export interface OcoResolution {
  /** Surviving candidates sorted by intrabar time, then submission. */
  readonly chosen: readonly Candidate[];
  /** Groups with two or more legs able to fill on this bar. */
  readonly ambiguous: number;
}

/**
 * Keeps one filling leg per OCO group. A leg that fills where it starts on the path (at the
 * open) wins and the group is not ambiguous. Otherwise `pessimistic` keeps the leg worst for
 * the trader, the other models the leg the path reaches first (ties: the worse one).
 */
export function resolveOco(candidates: readonly Candidate[], pessimistic: boolean): OcoResolution {
  let groups: Map<string, Candidate[]> | undefined;
  for (const candidate of candidates) {
    const oco = candidate.working.oco;
    if (oco === undefined || !candidate.fills) continue;
    groups ??= new Map();
    const legs = groups.get(oco);
    if (legs === undefined) groups.set(oco, [candidate]);
    else legs.push(candidate);
  }
  let ambiguous = 0;
  let chosen = candidates;
  if (groups !== undefined) {
    const losers = new Set<Candidate>();
    for (const legs of groups.values()) {
      if (legs.length < 2) continue;
      // A leg that fills where it starts (a bar opening through it) fills first on every path:
      // no path question, so no ambiguity, unless two legs do so at once.
      const atStart = legs.filter((leg) => leg.atStart);
      if (atStart.length !== 1) ambiguous++;
      const contenders = atStart.length > 0 ? atStart : legs;
      const ranked = contenders.slice().sort((a, b) =>
        pessimistic ? worseFirst(a, b) : a.time - b.time || worseFirst(a, b)
      );
      for (const leg of legs) if (leg !== ranked[0]) losers.add(leg);
    }
    if (losers.size > 0) chosen = candidates.filter((candidate) => !losers.has(candidate));
  }
  return {
    chosen: chosen.slice().sort((a, b) => a.time - b.time || a.working.seq - b.working.seq),
    ambiguous,
  };
}
