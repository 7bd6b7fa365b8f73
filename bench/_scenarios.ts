/**
 * The scenarios that `deno bench` measures one after the other and `ratios.ts` measures
 * interleaved: the tracing-overhead variants of target 1 and the engine-versus-LangGraph
 * variants of target 4.
 *
 * @module
 */
import { compileWorkflow } from "../src/engine/compile_workflow.ts";
import { MlflowTracker } from "../src/tracking/mlflow_tracker.ts";
import { SqliteWorkerSink } from "../src/tracking/sqlite/sqlite_worker_sink.ts";
import type { TraceSink } from "../src/tracking/trace_bundle.ts";
import { collectingSink } from "./_bundles.ts";
import { benchDeps, linearWorkflow, openSqliteTracking, type SqliteTracking } from "./_fixtures.ts";
import { handWrittenGraph } from "./_hand_graph.ts";

/** Simulated latency of each model call in the tracing scenario, in milliseconds. */
export const TRACING_LATENCY_MS = 5;
/** Nodes of the tracing and engine scenarios. */
export const SCENARIO_NODES = 10;

const INPUTS = { topic: "tide pools" };

/** One run of a variant. */
export type RunOnce = () => Promise<void>;

/** Target 1: the same workflow untraced and traced into SQLite. */
export interface TracingScenario {
  /** A run without a tracer. */
  untraced: RunOnce;
  /** A run traced into SQLite, written before the run returns. */
  sync: RunOnce;
  /** A run traced into SQLite in the background. */
  async: RunOnce;
  /** `sync` with the sink in a worker thread (`SqliteWorkerSink`). */
  syncWorker: RunOnce;
  /** `async` with the sink in a worker thread (`SqliteWorkerSink`). */
  asyncWorker: RunOnce;
  /** Traced, each bundle built and dropped: the tracer's own cost, without any sink. */
  tracerOnly: RunOnce;
  /** Flushes and closes every tracking. */
  close(): Promise<void>;
}

/** Options of {@linkcode tracingScenario}. */
export interface TracingScenarioOptions {
  /**
   * Opens the sink of a database file.
   *
   * @default {what the delivery opens for a `sqlite:///` URI}
   */
  openSqliteSink?: (path: string) => TraceSink | Promise<TraceSink>;
  /**
   * Latency of each model call, milliseconds.
   *
   * @default {TRACING_LATENCY_MS}
   */
  latencyMs?: number;
}

/**
 * Builds the tracing scenario: the 10-node benchmark workflow compiled once; a synchronous and
 * an asynchronous tracking into databases under `dir` through the sink the delivery opens for
 * a `sqlite:///` URI, and the same two with `SqliteWorkerSink`. A variant throws when tracking
 * warned (a warning means a spooled trace, which would make the figure meaningless).
 *
 * @param dir A directory for the databases.
 * @param options Sink and latency.
 * @returns The variants.
 */
export async function tracingScenario(
  dir: string,
  options: TracingScenarioOptions = {},
): Promise<TracingScenario> {
  const { openSqliteSink, latencyMs = TRACING_LATENCY_MS } = options;
  const compiled = compileWorkflow(
    linearWorkflow(SCENARIO_NODES),
    benchDeps(latencyMs),
  );
  const sink = openSqliteSink ? { openSqliteSink } : {};
  const worker = {
    openSqliteSink: (path: string) =>
      SqliteWorkerSink.open(path, { artifactRoot: path.replace(/mlflow\.db$/, "mlruns") }),
  };
  const trackings = [
    await openSqliteTracking(`${dir}/sync`, { async: false, ...sink }),
    await openSqliteTracking(`${dir}/async`, { async: true, ...sink }),
    await openSqliteTracking(`${dir}/sync_worker`, { async: false, ...worker }),
    await openSqliteTracking(`${dir}/async_worker`, { async: true, ...worker }),
  ] as const;
  const dropping = new MlflowTracker({
    trackingUri: `sqlite:///${dir}/unused.db`,
    experimentName: "bench",
    mlflow: { artifact_level: "standard" },
    async: false,
    preflight: false,
    sink: collectingSink(),
  });
  const traced = (tracking: SqliteTracking): RunOnce => async () => {
    await compiled.run(INPUTS, { mock: true, tracer: tracking.tracker });
    if (tracking.warnings.length > 0) {
      throw new Error(`Cannot trust the benchmark as tracking warned: ${tracking.warnings[0]}`);
    }
  };
  return {
    untraced: async () => {
      await compiled.run(INPUTS, { mock: true });
    },
    sync: traced(trackings[0]),
    async: traced(trackings[1]),
    syncWorker: traced(trackings[2]),
    asyncWorker: traced(trackings[3]),
    tracerOnly: async () => {
      await compiled.run(INPUTS, { mock: true, tracer: dropping });
    },
    close: async () => {
      for (const tracking of trackings) await tracking.close();
      await dropping.close();
    },
  };
}

/** Target 4: the engine and a hand-written LangGraph graph making the same mock calls. */
export interface EngineScenario {
  /** A run of the hand-written graph. */
  hand: RunOnce;
  /** A run of the engine (mock mode). */
  engine: RunOnce;
}

/**
 * Builds the engine scenario.
 *
 * @param latencyMs Latency of each model call.
 * @returns The variants.
 */
export function engineScenario(latencyMs: number): EngineScenario {
  const hand = handWrittenGraph(SCENARIO_NODES, latencyMs);
  const compiled = compileWorkflow(linearWorkflow(SCENARIO_NODES), benchDeps(latencyMs));
  return {
    hand: async () => {
      await hand.invoke(INPUTS);
    },
    engine: async () => {
      await compiled.run(INPUTS, { mock: true });
    },
  };
}
