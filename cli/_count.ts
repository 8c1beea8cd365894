/**
 * Counted nouns in CLI messages ("1 bar", "2 bars").
 *
 * @module
 */

/** `count` and `noun`, with an `s` unless the count is exactly 1. */
export function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
