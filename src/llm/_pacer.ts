/**
 * The pacing of one provider and model: a generic cell rate algorithm (GCRA, the leaky bucket
 * as a meter) over requests and over tokens, scheduling each request at once rather than
 * letting waiters race. Pure: the caller passes the time in.
 *
 * @module
 */

/** Requests and tokens per minute; a dimension left out is not limited. */
export interface PacerLimit {
  /** Requests per minute. */
  rpm?: number | undefined;
  /** Tokens per minute. */
  tpm?: number | undefined;
}

/** A slot the pacer gave out. */
export interface PacerSlot {
  /** When the request may start, on the caller's clock (milliseconds). */
  startAt: number;
  /** The pauses there had been when it was given: a later pause moves the slot. */
  generation: number;
}

/**
 * GCRA over two dimensions. Each dimension has an emission interval (60 000 ms / rpm per
 * request, 60 000 ms / tpm per token) and a theoretical arrival time (TAT): the time at which
 * the bucket would be empty again. A request may start once both TATs are within the burst
 * tolerance of now; it then moves the request TAT by one interval and the token TAT by its
 * tokens' intervals. Requests are thus spaced evenly (a 600 RPM limit lets one through every
 * 100 ms), and requests that arrive together after a quiet spell may start together only as
 * far as `burstMs` of capacity allows.
 */
export class Pacer {
  #limit: PacerLimit;
  #requestMs: number | undefined;
  #tokenMs: number | undefined;
  readonly #burstMs: number;
  #requestTat = Number.NEGATIVE_INFINITY;
  #tokenTat = Number.NEGATIVE_INFINITY;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #generation = 0;
  /** Slots given and not yet started or given back, and their tokens. */
  #waitingRequests = 0;
  #waitingTokens = 0;
  #paused = new AbortController();
  /** The request TAT over the times requests really started (see {@linkcode start}). */
  #startTat = Number.NEGATIVE_INFINITY;

  /**
   * @param limit The rate.
   * @param burstMs Capacity, in milliseconds of the rate, that may be used at once.
   */
  constructor(limit: PacerLimit, burstMs: number) {
    this.#limit = {};
    this.#burstMs = burstMs;
    this.lower(limit);
  }

  /** The rate now in force. */
  get limit(): PacerLimit {
    return { ...this.#limit };
  }

  /**
   * Lowers the rate to `limit` where it is lower (a dimension not yet limited takes it): when
   * runs set different limits for one model, the lowest applies.
   *
   * @param limit Another run's limit.
   */
  lower(limit: PacerLimit): void {
    const rpm = lowest(this.#limit.rpm, limit.rpm);
    const tpm = lowest(this.#limit.tpm, limit.tpm);
    this.#limit = { ...(rpm === undefined ? {} : { rpm }), ...(tpm === undefined ? {} : { tpm }) };
    this.#requestMs = rpm === undefined ? undefined : 60_000 / rpm;
    this.#tokenMs = tpm === undefined ? undefined : 60_000 / tpm;
  }

  /**
   * Gives the next slot to a request of `tokens` tokens and counts it.
   *
   * @param tokens The request's estimated tokens.
   * @param now The time.
   * @returns Its slot.
   */
  reserve(tokens: number, now: number): PacerSlot {
    const requestMs = this.#requestMs ?? 0;
    const tokenCost = (this.#tokenMs ?? 0) * Math.max(0, tokens);
    // A dimension without a limit holds nothing back.
    const startAt = Math.max(
      now,
      this.#pausedUntil,
      this.#requestMs === undefined ? now : this.#requestTat - this.#tolerance(requestMs),
      this.#tokenMs === undefined ? now : this.#tokenTat - this.#tolerance(this.#tokenMs),
    );
    this.#requestTat = Math.max(this.#requestTat, startAt) + requestMs;
    this.#tokenTat = Math.max(this.#tokenTat, startAt) + tokenCost;
    this.#waitingRequests++;
    this.#waitingTokens += Math.max(0, tokens);
    return { startAt, generation: this.#generation };
  }

  /**
   * Starts the request of a slot, if the slot still holds (no pause came after it was given).
   * The requests that start are spaced by the same rule on the time they really start: when
   * timers fired late together (a busy event loop), they go one interval apart from then on
   * instead of at once, as a server counting requests per second would refuse the burst.
   *
   * @param slot The slot.
   * @param tokens The tokens it reserved.
   * @param now The time its holder woke.
   * @returns How long to wait before sending the request (0: at once), or `undefined` when a
   * pause took the slot back and the holder must reserve again.
   */
  start(slot: PacerSlot, tokens: number, now: number): number | undefined {
    if (!this.isCurrent(slot)) return undefined;
    this.#waitingRequests--;
    this.#waitingTokens -= Math.max(0, tokens);
    if (this.#requestMs === undefined) return 0;
    const at = Math.max(now, this.#startTat - this.#tolerance(this.#requestMs));
    this.#startTat = Math.max(this.#startTat, at) + this.#requestMs;
    return at - now;
  }

  /**
   * Gives back what a request that never started counted (nothing once a pause has taken its
   * slot back).
   *
   * @param slot The slot it was given.
   * @param tokens The tokens it reserved.
   */
  release(slot: PacerSlot, tokens: number): void {
    if (!this.isCurrent(slot)) return;
    this.#requestTat -= this.#requestMs ?? 0;
    this.#tokenTat -= (this.#tokenMs ?? 0) * Math.max(0, tokens);
    this.#waitingRequests--;
    this.#waitingTokens -= Math.max(0, tokens);
  }

  /**
   * Corrects the tokens a request counted once its usage is known.
   *
   * @param delta Used tokens minus estimated tokens (negative gives capacity back).
   */
  correct(delta: number): void {
    if (this.#tokenMs === undefined || !Number.isFinite(delta)) return;
    this.#tokenTat += this.#tokenMs * delta;
  }

  /**
   * Lets no request start before `until` (the provider asked to wait), and takes back the
   * slots given and not yet started: their holders must reserve again ({@linkcode isCurrent}),
   * at once (see {@linkcode pauses}), so that they start from `until` on, evenly and in the
   * order they reserve again, and the pause costs its own length only.
   *
   * @param until The time requests may start again.
   */
  pause(until: number): void {
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#requestTat -= (this.#requestMs ?? 0) * this.#waitingRequests;
    this.#tokenTat -= (this.#tokenMs ?? 0) * this.#waitingTokens;
    this.#waitingRequests = 0;
    this.#waitingTokens = 0;
    this.#requestTat = Math.max(this.#requestTat, until);
    this.#tokenTat = Math.max(this.#tokenTat, until);
    this.#generation++;
    const paused = this.#paused;
    this.#paused = new AbortController();
    paused.abort(new PacerPaused());
  }

  /** Aborts at the next pause: a holder waiting for its slot then reserves again. */
  get pauses(): AbortSignal {
    return this.#paused.signal;
  }

  /**
   * Whether a slot still holds: no pause came after it was given.
   *
   * @param slot The slot.
   * @returns `true` when it may be used.
   */
  isCurrent(slot: PacerSlot): boolean {
    return slot.generation === this.#generation;
  }

  /** The tolerance of a dimension: the burst, less the one interval a lone request uses. */
  #tolerance(intervalMs: number): number {
    return intervalMs === 0 ? 0 : Math.max(0, this.#burstMs - intervalMs);
  }
}

/** The reason {@linkcode Pacer.pauses} aborts with. */
export class PacerPaused extends Error {
  /** A pause took the slots back. */
  constructor() {
    super("The provider asked to wait: the slots given were taken back");
    this.name = "PacerPaused";
  }
}

function lowest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
