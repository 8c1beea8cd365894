/**
 * Intrabar price paths of the candle venue: a bar is walked as the polyline open → first
 * extreme → second extreme → close, and "time" inside the bar is the position along it
 * (0 = open, 3 = close). Floats only: this runs on every bar that may fill an order.
 *
 * @module
 */

/** The four corners of an intrabar path: open, first extreme, second extreme, close. */
export type BarPath = readonly [number, number, number, number];

/** Builds the path O→H→L→C (`highFirst`) or O→L→H→C. */
export function makePath(
  open: number,
  high: number,
  low: number,
  close: number,
  highFirst: boolean,
): BarPath {
  return highFirst ? [open, high, low, close] : [open, low, high, close];
}

/** Whether the adaptive model walks the high first: the open is nearer the high than the low. */
export function adaptiveHighFirst(open: number, high: number, low: number): boolean {
  return high - open < open - low;
}

function beyond(price: number, level: number, down: boolean, strict: boolean): boolean {
  if (down) return strict ? price < level : price <= level;
  return strict ? price > level : price >= level;
}

/**
 * The first time `t ≥ from` at which the path reaches `level`: moving down (`price ≤ level`, or
 * `<` when `strict`) or up (`≥` / `>`). `fromPrice` is the path's price at `from` (passed in so
 * float error cannot move a level that was just hit). Returns −1 when the path never gets there.
 */
export function firstReach(
  path: BarPath,
  level: number,
  down: boolean,
  strict: boolean,
  from: number,
  fromPrice: number,
): number {
  if (beyond(fromPrice, level, down, strict)) return from;
  let segment = Math.floor(from);
  let start = fromPrice;
  let startTime = from;
  while (segment < 3) {
    const end = path[segment + 1];
    if (beyond(end, level, down, strict)) {
      // Monotone segment: interpolate where it meets the level (the fill is at the level).
      const span = end - start;
      const fraction = span === 0 ? 0 : (level - start) / span;
      const t = startTime + (segment + 1 - startTime) * Math.min(1, Math.max(0, fraction));
      return t;
    }
    segment++;
    start = end;
    startTime = segment;
  }
  return -1;
}

/** The price on the path at time `t` (0 = open … 3 = close), interpolated along its segment. */
export function priceAt(path: BarPath, t: number): number {
  if (t <= 0) return path[0];
  if (t >= 3) return path[3];
  const segment = Math.floor(t);
  const start = path[segment];
  return start + (path[segment + 1] - start) * (t - segment);
}
