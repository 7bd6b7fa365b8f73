/**
 * The shapes of what the benchmark scripts print and `bench/run.ts` collects: `deno bench
 * --json`, `ratios.ts`, `cold_start.ts` and `batch.ts`, and the suite's results as a whole.
 *
 * @module
 */
import type { VariantResult } from "./_stats.ts";

/** One benchmark of `deno bench --json` (times in nanoseconds). */
export interface BenchEntry {
  /** File URL. */
  origin: string;
  /** Group, or `null`. */
  group: string | null;
  /** Name. */
  name: string;
  /** Whether it is its group's baseline. */
  baseline: boolean;
  /** Its result. */
  results: Array<{
    ok?: { n: number; min: number; max: number; avg: number; p75: number; p99: number };
    failed?: unknown;
  }>;
}

/** The output of `deno bench --json`. */
export interface BenchJson {
  /** Runtime. */
  runtime: string;
  /** CPU model. */
  cpu: string;
  /** Every benchmark. */
  benches: BenchEntry[];
}

/** A measured variant of `ratios.ts` or `cold_start.ts`. */
export type Variant = VariantResult & { command?: string };

/** What `ratios.ts` prints. */
export interface RatiosJson {
  /** Target 1. */
  tracing: {
    nodes: number;
    latencyMs: number;
    block: number;
    variants: Record<string, Variant>;
  };
  /** Time to flush and close both trackings at the end. */
  tracingCloseMs: number;
  /** Target 4 with an instant model. */
  engine_0ms: { nodes: number; latencyMs: number; variants: Record<string, Variant> };
  /** Target 4 with a 5 ms model. */
  engine_5ms: { nodes: number; latencyMs: number; variants: Record<string, Variant> };
  /** Target 6: an evaluation with deterministic checks against a batch of the same records. */
  evaluation?: { records: number; latencyMs: number; variants: Record<string, Variant> };
}

/** What `cold_start.ts` prints. */
export interface ColdStartJson {
  /** Measured rounds. */
  rounds: number;
  /** Each command. */
  commands: Record<string, Variant & { command: string }>;
}

/** What `_batch_child.ts` reports. */
export interface BatchReport {
  /** `engine` or `hand`. */
  mode: string;
  /** Items run. */
  items: number;
  /** Runs at once. */
  concurrency: number;
  /** Mock latency per call. */
  latencyMs: number;
  /** Nodes of the workflow. */
  nodes: number;
  /** Wall time of the batch. */
  wallMs: number;
  /** CPU time of the process during the batch. */
  cpuMs: number;
  /** Successful runs. */
  succeeded: number;
  /** Largest sampled resident memory, kilobytes. */
  peakRssKb: number;
  /** Largest sampled resident memory once 10 %, 50 % and 100 % of the items were done. */
  peakRssKbAtProgress: Record<string, number>;
  /** Live heap after a full collection, kilobytes, at the end (and at 10 % and 50 %). */
  liveHeapKbAtProgress: Record<string, number>;
  /** Resident memory before the batch, kilobytes. */
  rssBeforeKb: number;
}

/** One batch of `batch.ts`: what `_batch_child.ts` reports, against the ideal wall time. */
export interface BatchRun extends BatchReport {
  /** Ideal wall time. */
  idealMs: number;
  /** Wall time over ideal. */
  ratioToIdeal: number;
}

/** What `batch.ts` prints. */
export interface BatchJson {
  /** Runs at once. */
  concurrency: number;
  /** Mock latency. */
  latencyMs: number;
  /** Nodes. */
  nodes: number;
  /** Each batch. */
  runs: BatchRun[];
}

/** One batch of `rate_limit.ts`. */
export interface RateLimitRun {
  /** `limited` or `unlimited`. */
  name: string;
  /** Whether the workflow set `rate_limit`. */
  limited: boolean;
  /** The CLI's exit code. */
  exitCode: number;
  /** The command, with the temporary directory left out. */
  command: string;
  /** From spawning the CLI to its exit. */
  wallMs: number;
  /** From the server's first request to its last. */
  serverSpanMs: number;
  /** Requests the server received. */
  requests: number;
  /** Requests it answered. */
  answered: number;
  /** Requests it refused with 429. */
  rateLimited: number;
  /** The most requests it answered in one one-second window. */
  mostInAWindow: number;
  /** Records that succeeded, by the batch's summary. */
  succeeded: number;
  /** Records that failed. */
  failed: number;
  /** Retries of model calls, by the batch's summary. */
  retries: number;
  /** Retries after a 429, by the batch's summary. */
  rateLimitedAbsorbed: number;
  /** The lowest the adaptive concurrency went. */
  lowestConcurrency: number;
}

/** Each record once, or not. */
export interface OnceCheck {
  /** Records of 1..n that are absent. */
  missing: number;
  /** Records there more than once. */
  duplicates: number;
}

/** What `rate_limit.ts` prints. */
export interface RateLimitJson {
  /** Records of the batch. */
  records: number;
  /** Nodes (model calls) per record. */
  nodes: number;
  /** `--concurrency`. */
  concurrency: number;
  /** The server's limit, and the workflow's. */
  rpm: number;
  /** The server's answer time. */
  latencyMs: number;
  /** The least wall time the limit allows: records x nodes requests at `rpm`. */
  minimumMs: number;
  /** The batch with the limit, then without. */
  runs: RateLimitRun[];
  /** The batch stopped at about half and resumed. */
  resume: {
    command: string;
    records: number;
    stopExitCode: number;
    resumeExitCode: number;
    inOutputWhenSignalled: number;
    inOutputAfterStop: number;
    output: OnceCheck & { lines: number; statuses: Record<string, number> };
    mlflow: OnceCheck & { traces: number; ok: number };
    wallMs: number;
  };
}

/** Everything the suite measured. */
export interface SuiteResults {
  /** When the suite started. */
  started: Date;
  /** When it finished. */
  finished: Date;
  /** The machine. */
  machine: {
    cores: number;
    memoryBytes: number | undefined;
    cpu: string;
    os: string;
    arch: string;
    deno: string;
    v8: string;
    typescript: string;
    loadBefore: number[] | undefined;
    loadAfter: number[] | undefined;
  };
  /** `deno bench --json`. */
  bench: BenchJson;
  /** `ratios.ts`. */
  ratios: RatiosJson;
  /** `cold_start.ts`. */
  coldStart: ColdStartJson;
  /** `batch.ts`. */
  batch: BatchJson;
  /** `rate_limit.ts`. */
  rateLimit: RateLimitJson;
  /** `bench/CHANGES.md`. */
  changes: string;
}
