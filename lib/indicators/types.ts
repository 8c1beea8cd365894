/**
 * The shapes every indicator shares: the {@linkcode Indicator} contract and the bar inputs.
 *
 * @module
 */

/**
 * A streaming indicator: feed one input per `update`, read the output.
 *
 * Every implementation in this package updates in O(1) time and allocates nothing per update.
 * Indicators that return an object (e.g. {@linkcode MacdValue}) reuse one result object: it is
 * overwritten by the next `update`, so copy it (`{ ...value }`) to keep a snapshot.
 *
 * @typeParam In The input of one update (a price, a bar, ...).
 * @typeParam Out The output once warm.
 */
export interface Indicator<In, Out> {
  /**
   * Consumes one input and returns the current output, or `undefined` while warming up.
   * Throws a `RangeError` for a non-finite input, leaving the state unchanged.
   */
  update(input: In): Out | undefined;
  /** The output of the last `update`, or `undefined` while warming up. */
  readonly value: Out | undefined;
  /** Whether the indicator has seen enough inputs to produce an output. */
  readonly isReady: boolean;
  /** Forgets every input, returning to the freshly constructed state. */
  reset(): void;
}

/**
 * A streaming indicator over two synchronised series (pairs trading): `update(x, y)`.
 *
 * Two plain number arguments rather than an `{ x, y }` object so that a caller never has to
 * allocate (or remember to reuse) an object per update.
 *
 * @typeParam Out The output once warm.
 */
export interface PairIndicator<Out> {
  /** Consumes one `(x, y)` observation; `undefined` while warming up. */
  update(x: number, y: number): Out | undefined;
  /** The output of the last `update`, or `undefined` while warming up. */
  readonly value: Out | undefined;
  /** Whether the indicator has seen enough inputs to produce an output. */
  readonly isReady: boolean;
  /** Forgets every input. */
  reset(): void;
}

/** One OHLC(V) bar as bar-based indicators read it (extra fields are ignored). */
export interface Bar {
  /** Highest traded price of the bar. */
  readonly high: number;
  /** Lowest traded price of the bar. */
  readonly low: number;
  /** Last traded price of the bar. */
  readonly close: number;
  /** Traded volume of the bar (required by volume-based indicators). */
  readonly volume?: number;
}

/** A {@linkcode Bar} whose volume is known, as {@linkcode Obv} and {@linkcode Vwap} require. */
export interface VolumeBar extends Bar {
  /** Traded volume of the bar. */
  readonly volume: number;
}
