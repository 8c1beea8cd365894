/**
 * Exact rolling sums of a paired series (Σx, Σy, Σx², Σy², Σxy), shared by correlation and
 * linear regression.
 *
 * @module
 */

import { centredCrossSum, ExactSum, roundingFloor } from "./_exact_sum.ts";
import { RingBuffer } from "./_ring_buffer.ts";

/** Rolling first and second moments of `(x, y)` over a fixed window, held exactly. */
export class RollingPairMoments {
  readonly period: number;
  readonly #xs: RingBuffer;
  readonly #ys: RingBuffer;
  readonly sumX = new ExactSum();
  readonly sumY = new ExactSum();
  readonly sumXX = new ExactSum();
  readonly sumYY = new ExactSum();
  readonly sumXY = new ExactSum();

  /** `period` must be a positive integer (validated by the caller). */
  constructor(period: number) {
    this.period = period;
    this.#xs = new RingBuffer(period);
    this.#ys = new RingBuffer(period);
  }

  /** Whether the window holds `period` pairs. */
  get isFull(): boolean {
    return this.#xs.isFull;
  }

  /** Adds `(x, y)`, evicting the oldest pair once the window is full. */
  push(x: number, y: number): void {
    if (this.#xs.isFull) {
      const oldX = this.#xs.push(x);
      const oldY = this.#ys.push(y);
      this.sumX.add(-oldX);
      this.sumY.add(-oldY);
      this.sumXX.subtractProduct(oldX, oldX);
      this.sumYY.subtractProduct(oldY, oldY);
      this.sumXY.subtractProduct(oldX, oldY);
    } else {
      this.#xs.push(x);
      this.#ys.push(y);
    }
    this.sumX.add(x);
    this.sumY.add(y);
    this.sumXX.addProduct(x, x);
    this.sumYY.addProduct(y, y);
    this.sumXY.addProduct(x, y);
    this.sumX.normalize();
    this.sumY.normalize();
    this.sumXX.normalize();
    this.sumYY.normalize();
    this.sumXY.normalize();
  }

  /** `n²·var(x)` (population), never negative; 0 for a constant window. */
  scaledVarianceX(): number {
    const scaled = centredCrossSum(this.period, this.sumXX, this.sumX, this.sumX);
    return scaled > roundingFloor(this.period, this.sumXX.value) ? scaled : 0;
  }

  /** `n²·var(y)` (population), never negative; 0 for a constant window. */
  scaledVarianceY(): number {
    const scaled = centredCrossSum(this.period, this.sumYY, this.sumY, this.sumY);
    return scaled > roundingFloor(this.period, this.sumYY.value) ? scaled : 0;
  }

  /** `n²·cov(x, y)` (population). */
  scaledCovariance(): number {
    return centredCrossSum(this.period, this.sumXY, this.sumX, this.sumY);
  }

  /** Forgets every pair. */
  clear(): void {
    this.#xs.clear();
    this.#ys.clear();
    this.sumX.clear();
    this.sumY.clear();
    this.sumXX.clear();
    this.sumYY.clear();
    this.sumXY.clear();
  }
}
