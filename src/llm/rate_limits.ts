/**
 * Rate limits per provider and model: one registry that every node and every run of a process
 * shares, pacing requests and tokens evenly and pausing a model the provider has asked to wait.
 *
 * @module
 */
import type { TokenUsage } from "../tracking/tracer.ts";
import { abortableSleep } from "./_abortable_sleep.ts";
import { Pacer } from "./_pacer.ts";
import { classifyProviderError } from "./classify_provider_error.ts";

/** Requests and tokens per minute allowed for one provider and model. */
export interface RateLimit {
  /** Requests per minute; not limited when absent. */
  rpm?: number | undefined;
  /** Tokens per minute (prompt and answer); not limited when absent. */
  tpm?: number | undefined;
}

/** One model call asking to start. */
export interface RateLimitedCall {
  /** The provider that answers. */
  provider: string;
  /** The model that answers. */
  model: string;
  /** The endpoint, when not the provider's own (another server, another account). */
  baseUrl?: string | undefined;
  /** The limit the node's settings give; the call is not paced when absent. */
  limit: RateLimit | undefined;
  /** Its estimated tokens: the prompt's estimate plus the most the answer may take. */
  tokens: number;
}

/** How a call that started ended, to correct its tokens and learn of rate limiting. */
export type RateLimitOutcome =
  | {
    /** Its usage, as the provider reported it (all zero when unknown). */
    usage: TokenUsage;
  }
  | {
    /** What it threw. */
    error: unknown;
  };

/** A started call: settle it once it ends. */
export interface RateLimitPermit {
  /**
   * Whether a limit paced the call: a 429 it meets then pauses its model here, so that a batch
   * need not also lower its concurrency.
   */
  readonly paced: boolean;
  /**
   * Reports how the call ended: its real tokens replace the estimate; a rate-limit error
   * pauses the model for the wait the provider asked for.
   */
  settle(outcome: RateLimitOutcome): void;
}

/** What the engine asks before each model call. */
export interface RateLimiter {
  /**
   * Waits until the call may start under its model's limit.
   *
   * @param call The provider, model, limit and estimated tokens.
   * @param signal Cancels the wait (rejects with its reason).
   * @returns The permit, to settle when the call ends.
   */
  acquire(call: RateLimitedCall, signal?: AbortSignal): Promise<RateLimitPermit>;
}

/** Options of {@linkcode RateLimits}. */
export interface RateLimitsOptions {
  /**
   * A monotonic clock, in milliseconds.
   *
   * @default {performance.now}
   */
  now?: () => number;
  /**
   * Waits; must reject when the signal aborts.
   *
   * @default {a timer cleared on abort}
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Capacity that may be used at once after a quiet spell, in milliseconds of the rate: at 6000
   * RPM, 50 ms lets 5 requests start together; at 600 RPM, one. Providers enforce per-minute
   * limits over windows of about a second, so this stays small.
   *
   * @default {50}
   */
  burstMs?: number;
  /**
   * The longest pause a provider's `x-ratelimit-reset-*` header (with no `Retry-After`) may
   * impose on a model, in milliseconds.
   *
   * @default {60000}
   */
  maxPauseMs?: number;
}

const NO_PERMIT: RateLimitPermit = { paced: false, settle: () => {} };

/**
 * The rate limits of a process: one pacer per provider, model and endpoint, made on first use
 * and shared by every call that names them. A call waits for an evenly spaced slot under its
 * requests per minute and tokens per minute (counted from the estimate before it starts and
 * corrected from its usage once it ends). A call the provider refuses with HTTP 429 pauses its
 * model for the `Retry-After` the provider sent (else its `x-ratelimit-reset-*` time), and the
 * calls waiting for that model take new slots from the pause's end at once, so that the pause
 * costs its own length only. Calls whose timers fired late together (a busy event loop) start
 * one interval apart, not in a burst. When runs set different limits
 * for one model, the lowest applies. A call without a limit starts at once.
 *
 * @example Usage
 * ```ts
 * import { RateLimits } from "@configurable-agents/core";
 * let now = 0;
 * const waits: number[] = [];
 * const limits = new RateLimits({
 *   now: () => now,
 *   sleep: async (ms) => { waits.push(ms); now += ms; },
 * });
 * const call = { provider: "openai", model: "gpt-4o-mini", limit: { rpm: 600 }, tokens: 10 };
 * for (let i = 0; i < 3; i++) (await limits.acquire(call)).settle({ usage: { input_tokens: 5, output_tokens: 5, total_tokens: 10 } });
 * if (waits.join() !== "100,100") throw new Error(waits.join());
 * ```
 */
export class RateLimits implements RateLimiter {
  readonly #pacers = new Map<string, Pacer>();
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #burstMs: number;
  readonly #maxPauseMs: number;

  /**
   * Makes an empty registry: each provider and model gets its pacer on first use.
   *
   * @param options Clock, sleep, burst and longest header pause.
   * @throws {RangeError} A burst or pause that is not a finite number of 0 or more.
   */
  constructor(options: RateLimitsOptions = {}) {
    const {
      now = () => performance.now(),
      sleep = abortableSleep,
      burstMs = 50,
      maxPauseMs = 60_000,
    } = options;
    for (const [name, value] of [["burstMs", burstMs], ["maxPauseMs", maxPauseMs]] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(
          `Cannot make the rate limits as ${name} must be a finite number of 0 or more: got "${value}"`,
        );
      }
    }
    this.#now = now;
    this.#sleep = sleep;
    this.#burstMs = burstMs;
    this.#maxPauseMs = maxPauseMs;
  }

  /**
   * The limit in force for a provider and model, once a call has named it.
   *
   * @param provider The provider.
   * @param model The model.
   * @param baseUrl The endpoint, when not the provider's own.
   * @returns The lowest limit calls have given, or `undefined`.
   */
  limitOf(provider: string, model: string, baseUrl?: string): RateLimit | undefined {
    return this.#pacers.get(keyOf(provider, model, baseUrl))?.limit;
  }

  /**
   * Waits until the call may start under its model's limit.
   *
   * @param call The provider, model, limit and estimated tokens.
   * @param signal Cancels the wait.
   * @returns The permit, to settle when the call ends.
   * @throws {RangeError} A limit that is not a positive number.
   * @throws {unknown} The signal's reason, once it aborts.
   */
  async acquire(call: RateLimitedCall, signal?: AbortSignal): Promise<RateLimitPermit> {
    const { limit } = call;
    if (limit === undefined || (limit.rpm === undefined && limit.tpm === undefined)) {
      return NO_PERMIT;
    }
    checkLimit(limit);
    const pacer = this.#pacerOf(call, limit);
    const tokens = Math.max(0, call.tokens);
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#now();
      const slot = pacer.reserve(tokens, now);
      if (slot.startAt > now) {
        // A pause ends the wait at once: the slots it took back are given again from its end.
        const pauses = pacer.pauses;
        try {
          await this.#sleep(
            slot.startAt - now,
            signal ? AbortSignal.any([signal, pauses]) : pauses,
          );
        } catch (error) {
          if (!(pauses.aborted && !signal?.aborted)) {
            pacer.release(slot, tokens);
            throw error;
          }
        }
      }
      const spacing = pacer.start(slot, tokens, this.#now());
      if (spacing === undefined) continue;
      if (spacing > 0) await this.#sleep(spacing, signal);
      break;
    }
    return {
      paced: true,
      settle: (outcome) => {
        if ("usage" in outcome) {
          // Unknown usage (all zero) keeps the estimate.
          if (outcome.usage.total_tokens > 0) pacer.correct(outcome.usage.total_tokens - tokens);
          return;
        }
        const info = classifyProviderError(outcome.error);
        if (info.kind !== "rate_limit") return;
        const waitMs = info.retryAfterMs ?? Math.min(info.resetMs ?? 0, this.#maxPauseMs);
        if (waitMs > 0) pacer.pause(this.#now() + waitMs);
      },
    };
  }

  #pacerOf(call: RateLimitedCall, limit: RateLimit): Pacer {
    const key = keyOf(call.provider, call.model, call.baseUrl);
    const existing = this.#pacers.get(key);
    if (existing) {
      existing.lower(limit);
      return existing;
    }
    const pacer = new Pacer(limit, this.#burstMs);
    this.#pacers.set(key, pacer);
    return pacer;
  }
}

/**
 * A limiter whose calls all take `override` over their own limit, dimension by dimension (the
 * CLI's `--rpm` and `--tpm`).
 *
 * @example Usage
 * ```ts
 * import { RateLimits, withRateLimit } from "@configurable-agents/core";
 * const limits = new RateLimits();
 * const limiter = withRateLimit(limits, { rpm: 600 });
 * (await limiter.acquire({ provider: "openai", model: "gpt-4o", limit: { tpm: 90000 }, tokens: 1 })).settle({ error: new Error("x") });
 * const limit = limits.limitOf("openai", "gpt-4o");
 * if (limit?.rpm !== 600 || limit?.tpm !== 90000) throw new Error();
 * ```
 *
 * @param limiter The limiter the calls go to.
 * @param override Requests and tokens per minute set over every call's own.
 * @returns The limiter with the override.
 */
export function withRateLimit(limiter: RateLimiter, override: RateLimit): RateLimiter {
  return {
    acquire: (call, signal) =>
      limiter.acquire({
        ...call,
        limit: {
          ...call.limit,
          ...(override.rpm === undefined ? {} : { rpm: override.rpm }),
          ...(override.tpm === undefined ? {} : { tpm: override.tpm }),
        },
      }, signal),
  };
}

function keyOf(provider: string, model: string, baseUrl: string | undefined): string {
  return `${provider}/${model}${baseUrl === undefined ? "" : ` at ${baseUrl}`}`;
}

function checkLimit(limit: RateLimit): void {
  for (const [name, value] of [["rpm", limit.rpm], ["tpm", limit.tpm]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(
        `Cannot pace the call as its ${name} must be a positive number: got "${value}"`,
      );
    }
  }
}
