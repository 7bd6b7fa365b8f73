/**
 * Shared helpers of the tracking tests: MLflow schema files built from the shared SQL, a fake
 * clock, an inline synchronous delivery, and a run driven through the Tracer API the way the
 * engine drives it (shaped like the golden trace).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { MlflowTracker, type MlflowTrackerOptions } from "../../src/tracking/mlflow_tracker.ts";
import {
  isRunBundle,
  type RunBundle,
  type RunRecord,
  type TraceBundle,
  type TraceSink,
  type TrackingBundle,
} from "../../src/tracking/trace_bundle.ts";
import type { LlmCallRecord, RunRecordIds, Tracer } from "../../src/tracking/tracer.ts";

/**
 * MLflow schemas with their files and revisions: the three releases we can create, and the
 * development line after 3.11.1 (a revision the sink has never been told about).
 */
export const MLFLOW_SCHEMAS = [
  { release: "3.9.0", file: "mlflow-3.9.0.sql", revision: "d3e4f5a6b7c8" },
  { release: "3.10", file: "mlflow-3.10.sql", revision: "1b5f0d9ad7c1" },
  { release: "3.11.1", file: "mlflow-3.11.1.sql", revision: "c3d6457b6d8a" },
  { release: "3.11.2.dev0", file: "mlflow-3.11.2.dev0.sql", revision: "7d34483879f0" },
] as const;

const FIXTURES = new URL("../fixtures/mlflow/", import.meta.url);

/** Reads a fixture of tests/fixtures/mlflow/. */
export function readMlflowFixture(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURES));
}

/** The golden rows MLflow's own client wrote. */
export function goldenRows(): Record<string, Record<string, unknown>[]> {
  return JSON.parse(readMlflowFixture("golden-trace-rows.json"));
}

/**
 * Creates a database the way MLflow would: the release's schema script, its revision row, and
 * experiment 0.
 */
export function createMlflowDatabase(
  path: string,
  schema: (typeof MLFLOW_SCHEMAS)[number],
  artifactRoot: string,
): void {
  const db = new DatabaseSync(path);
  // One transaction: a commit (and its sync) per statement takes seconds on a slow disk.
  db.exec(`BEGIN; ${readMlflowFixture(schema.file)}; COMMIT`);
  db.prepare("INSERT INTO alembic_version (version_num) VALUES (?)").run(schema.revision);
  db.prepare(
    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (0, 'Default', ?, 'active', 0, 0)",
  ).run(`${artifactRoot}/0`);
  db.close();
}

/** All rows of a table, with big integers kept exact. */
export function tableRows(path: string, table: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const statement = db.prepare(`SELECT * FROM "${table}"`);
    statement.setReadBigInts(true);
    return statement.all().map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          typeof value === "bigint" && Number.isSafeInteger(Number(value)) ? Number(value) : value,
        ]),
      )
    );
  } finally {
    db.close();
  }
}

/** A clock that moves forward by `stepMs` each time it is read. */
export function fakeClock(startMs = 1_795_758_413_000, stepMs = 1.5): () => number {
  let now = startMs;
  return () => {
    const value = now;
    now += stepMs;
    return value;
  };
}

/**
 * A sink that keeps every bundle in memory: traces in `bundles` (answered with run ids `run-1`,
 * `run-2`, ...), the ends of group runs in `runEnds` (answered with their key).
 */
export function memorySink(): TraceSink & {
  bundles: TraceBundle[];
  runEnds: RunBundle[];
  closed: number;
} {
  const sink = {
    bundles: [] as TraceBundle[],
    runEnds: [] as RunBundle[],
    closed: 0,
    deliver(bundle: TrackingBundle) {
      if (isRunBundle(bundle)) {
        sink.runEnds.push(bundle);
        return Promise.resolve({
          experimentId: "1",
          runId: bundle.group.key,
          alreadyPresent: false,
        });
      }
      sink.bundles.push(bundle);
      return Promise.resolve({
        experimentId: "1",
        runId: `run-${sink.bundles.length}`,
        alreadyPresent: false,
      });
    },
    close() {
      sink.closed++;
      return Promise.resolve();
    },
  };
  return sink;
}

/**
 * A tracker that writes each bundle to `sink` before a run's `finish` resolves (no spool, no
 * checks).
 *
 * @param sink Where bundles go.
 * @param options Anything else of the tracker.
 * @returns The tracker.
 */
export function syncTracker(
  sink: TraceSink,
  options: Partial<MlflowTrackerOptions> = {},
): MlflowTracker {
  return new MlflowTracker({
    trackingUri: "sqlite:///mlflow.db",
    experimentName: "tests",
    async: false,
    preflight: false,
    ...options,
    sink,
  });
}

/**
 * The MLflow run of one execution a bundle carries (`runPerExecution`); throws when it has none.
 *
 * @param bundle A trace bundle.
 * @returns Its run.
 */
export function ownRun(bundle: TrackingBundle | undefined): RunRecord {
  if (bundle === undefined || bundle.run === undefined) {
    throw new Error("Expected a bundle with a run of its own");
  }
  return bundle.run;
}

/** The LLM call of the golden trace: 12 + 30 tokens of gpt-4o-mini at OpenAI's price. */
export const GOLDEN_CALL: LlmCallRecord = {
  provider: "openai",
  model: "gpt-4o-mini",
  pricedAs: { provider: "openai", model: "gpt-4o-mini" },
  usage: { input_tokens: 12, output_tokens: 30, total_tokens: 42 },
  cost: { input_cost: 1.8e-6, output_cost: 1.8e-5, total_cost: 1.98e-5 },
};

/**
 * Drives the Tracer API like the engine does, shaped like the golden trace: root
 * `workflow_demo`, CHAIN `write` (a CHAT_MODEL call and a TOOL call), CHAIN `review` that
 * raises (the error is handled, the run succeeds).
 */
export async function recordGoldenShapedRun(
  tracer: Tracer,
  call: LlmCallRecord = GOLDEN_CALL,
): Promise<RunRecordIds> {
  const run = tracer.startRun({
    workflowName: "demo",
    workflowVersion: undefined,
    nodeCount: 2,
    provider: "openai",
    model: "gpt-4o-mini",
    inputs: { topic: "tide pools" },
  });
  await run.span(
    { type: "CHAIN", name: "write", nodeId: "write", inputs: { prompt: "Write about tide pools" } },
    async (chain) => {
      await run.span({
        type: "CHAT_MODEL",
        name: "ChatOpenAI",
        inputs: { messages: [{ role: "user", content: "Write about tide pools" }] },
      }, (scope) => {
        scope.setOutputs({ content: "Tide pools are..." });
        scope.setLlmCall(call);
        return Promise.resolve();
      });
      await run.span(
        { type: "TOOL", name: "serper_search", inputs: { query: "tide pools" } },
        (scope) => Promise.resolve(scope.setOutputs({ results: ["a", "b"] })),
      );
      chain.setOutputs({ draft: "Tide pools are..." });
    },
  );
  run.snapshot("write", { topic: "tide pools", draft: "Tide pools are..." });
  await run.span({ type: "CHAIN", name: "review", nodeId: "review", inputs: { text: "x" } }, () => {
    throw new TypeError("model returned invalid JSON");
  }).catch(() => {});
  return await run.finish({
    status: "success",
    outputs: { draft: "Tide pools are...", approved: false },
  });
}

/**
 * The bundle of one golden-shaped run (artifact level `standard`) with an MLflow run of its own,
 * as the golden rows hold, recorded with a fake clock.
 *
 * @param experimentName Experiment of the bundle.
 * @param call The LLM call of the run.
 * @returns The bundle.
 */
export async function recordGoldenBundle(
  experimentName: string,
  call: LlmCallRecord = GOLDEN_CALL,
): Promise<TraceBundle> {
  const sink = memorySink();
  const tracker = syncTracker(sink, {
    experimentName,
    mlflow: { artifact_level: "standard" },
    now: fakeClock(),
    // The golden rows hold a run with the trace: one run per execution.
    runPerExecution: true,
  });
  await recordGoldenShapedRun(tracker, call);
  const result = sink.bundles[0];
  if (result === undefined) throw new Error("No bundle");
  return result;
}
