/**
 * The concurrency of a batch, adapted to the provider: halved when a run is rate-limited, then
 * raised again by one as runs succeed (additive increase, multiplicative decrease, as TCP
 * does), never above the batch's `concurrency`.
 *
 * @module
 */

/**
 * Run slots whose number adapts. A run takes a slot before it starts and gives it back when
 * it ends; while as many runs hold slots as the limit allows, the next one waits.
 *
 * The limit is halved (to at least 1) when a run is rate-limited, once per episode: runs that
 * started before the last decrease do not decrease it again, since they were started under the
 * old limit and their 429s report what that limit did. Each run that succeeds counts towards
 * the next increase: after `limit` successes in a row the limit grows by one. No clock is
 * involved; the pace of the runs themselves sets the pace of the changes.
 */
export class AdaptiveConcurrency {
  readonly #max: number;
  #limit: number;
  #lowest: number;
  #active = 0;
  #waiting: (() => void)[] = [];
  #epoch = 0;
  #successes = 0;
  readonly #onChange: ((limit: number) => void) | undefined;

  /**
   * @param max The most runs at once (the batch's `concurrency`): the limit starts there.
   * @param onChange Told of each new limit.
   */
  constructor(max: number, onChange?: (limit: number) => void) {
    this.#max = max;
    this.#limit = max;
    this.#lowest = max;
    this.#onChange = onChange;
  }

  /** Runs allowed at once now. */
  get limit(): number {
    return this.#limit;
  }

  /** The lowest the limit has been. */
  get lowest(): number {
    return this.#lowest;
  }

  /** Runs holding a slot. */
  get active(): number {
    return this.#active;
  }

  /** The number of decreases so far: stamp it on a run when it starts. */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Takes a slot, waiting while every slot is held. Once `signal` aborts it takes one at once
   * (give it back with {@linkcode release} as always), so that no worker waits on after a stop.
   *
   * @param signal Ends the wait.
   * @returns When the slot is taken.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.#active < this.#limit || signal?.aborted) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const take = () => {
        signal?.removeEventListener("abort", onAbort);
        this.#active++;
        resolve();
      };
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((waiter) => waiter !== take);
        take();
      };
      this.#waiting.push(take);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Gives a slot back, letting a waiting run start when the limit allows. */
  release(): void {
    this.#active--;
    this.#wake();
  }

  /**
   * A run was rate-limited: halves the limit, unless the run started before the last decrease.
   *
   * @param epoch The {@linkcode epoch} when the run started.
   * @returns Whether the limit was lowered.
   */
  onRateLimited(epoch: number): boolean {
    if (epoch < this.#epoch) return false;
    this.#epoch++;
    this.#successes = 0;
    const lowered = Math.max(1, Math.floor(this.#limit / 2));
    if (lowered === this.#limit) return false;
    this.#set(lowered);
    return true;
  }

  /** A run succeeded: after `limit` of them in a row the limit grows by one. */
  onSuccess(): void {
    if (this.#limit >= this.#max) return;
    if (++this.#successes < this.#limit) return;
    this.#successes = 0;
    this.#set(this.#limit + 1);
    this.#wake();
  }

  #set(limit: number): void {
    this.#limit = limit;
    this.#lowest = Math.min(this.#lowest, limit);
    this.#onChange?.(limit);
  }

  #wake(): void {
    while (this.#active < this.#limit && this.#waiting.length > 0) this.#waiting.shift()?.();
  }
}
