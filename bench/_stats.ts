/**
 * Interleaved measurement: every round runs each variant once, in a rotating order, so that
 * load from other processes on a shared machine falls on all variants alike. Ratios are taken
 * per round (paired) and summarised by their median.
 *
 * @module
 */

/** Summary of a list of durations, in milliseconds. */
export interface Summary {
  /** Number of samples. */
  n: number;
  /** Median. */
  median: number;
  /** Arithmetic mean. */
  mean: number;
  /** Smallest sample. */
  min: number;
  /** 25th percentile. */
  p25: number;
  /** 75th percentile. */
  p75: number;
  /** Largest sample. */
  max: number;
}

/**
 * The `fraction` quantile of sorted numbers, interpolated linearly.
 *
 * @param sorted Numbers in ascending order.
 * @param fraction Between 0 and 1.
 * @returns The quantile (`NaN` for no numbers).
 */
export function quantile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = fraction * (sorted.length - 1);
  const lower = Math.floor(index);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const weight = index - lower;
  return (sorted[lower] ?? 0) * (1 - weight) + (sorted[upper] ?? 0) * weight;
}

/**
 * Summarises samples.
 *
 * @param samples Durations.
 * @returns Their summary.
 */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    mean: sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length),
    min: sorted[0] ?? Number.NaN,
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Options of {@linkcode measureInterleaved}. */
export interface InterleavedOptions {
  /** Measured rounds. */
  rounds: number;
  /**
   * Unmeasured rounds first.
   *
   * @default {2}
   */
  warmup?: number;
  /**
   * Runs of each variant in a row per round. The first run of a block is not measured: it
   * absorbs background work the previous block left (asynchronous logging), so each block's
   * measured runs carry their own background work and only theirs.
   *
   * @default {1}
   */
  block?: number;
  /**
   * Clock in milliseconds.
   *
   * @default {performance.now}
   */
  now?: () => number;
}

/** What {@linkcode measureInterleaved} found for one variant. */
export interface VariantResult {
  /** Its durations. */
  summary: Summary;
  /** Median over rounds of its duration divided by the baseline's in the same round. */
  ratio: number;
  /** 25th percentile of those per-round ratios. */
  ratioP25: number;
  /** 75th percentile of those per-round ratios. */
  ratioP75: number;
}

/**
 * Runs the variants round by round (each in a block of `block` runs per round, the order of
 * the blocks rotating) and summarises each against the first, the baseline. A round's value of
 * a variant is the mean of its block's measured runs.
 *
 * @param variants Name and body of each variant; the first is the baseline.
 * @param options Rounds, warmup and clock.
 * @returns Each variant's summary and paired ratio to the baseline.
 */
export async function measureInterleaved(
  variants: ReadonlyArray<readonly [string, () => Promise<unknown>]>,
  options: InterleavedOptions,
): Promise<Record<string, VariantResult>> {
  const { rounds, warmup = 2, block = 1, now = () => performance.now() } = options;
  const samples = variants.map(() => [] as number[]);
  for (let round = 0; round < warmup + rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (round + k) % variants.length;
      const [, body] = variants[index]!;
      let total = 0;
      for (let run = 0; run < block; run++) {
        const start = now();
        await body();
        if (run > 0 || block === 1) total += now() - start;
      }
      if (round >= warmup) samples[index]!.push(total / Math.max(1, block - 1));
    }
  }
  const baseline = samples[0]!;
  const result: Record<string, VariantResult> = {};
  variants.forEach(([name], index) => {
    const own = samples[index]!;
    const ratios = own.map((x, round) => x / baseline[round]!).sort((a, b) => a - b);
    result[name] = {
      summary: summarize(own),
      ratio: quantile(ratios, 0.5),
      ratioP25: quantile(ratios, 0.25),
      ratioP75: quantile(ratios, 0.75),
    };
  });
  return result;
}
