/**
 * A seeded pseudo-random generator (mulberry32) with the picks the fault suites need, so every
 * generated corpus and every jitter is the same on every run.
 *
 * @module
 */

/** Deterministic randomness from a 32-bit seed. */
export class SeededRandom {
  #state: number;

  /** @param seed Any 32-bit integer. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /**
   * The next number in [0, 1).
   *
   * @returns A float.
   */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * An integer in [0, max).
   *
   * @param max Exclusive bound (at least 1).
   * @returns The integer.
   */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /**
   * One element of a non-empty list.
   *
   * @param items The list.
   * @returns An element.
   * @throws {RangeError} When the list is empty.
   */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError("Cannot pick from an empty list");
    return item;
  }
}
