/**
 * The runs every report test reads: several days, two experiments, three workflows, four
 * models, a failed and a killed run, a run with an unpriced model, a run found only through
 * its trace's `mlflow.sourceRun`, and a run of another tool (no `workflow_name`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { openSqliteReader } from "../../../src/tracking/report/sqlite_reader.ts";
import type { TrackingReader } from "../../../src/tracking/report/tracking_reader.ts";
import {
  addExperiment,
  createMlflowDb,
  type InsertedRun,
  insertRun,
  type MlflowRelease,
  type RunSpec,
} from "./_mlflow_db.ts";

/** "Now" of the report tests. */
export const NOW = Date.parse("2026-11-27T15:00:00Z");

/** The runs, by name. */
export const RUNS = {
  articleToday: {
    experimentId: 1,
    workflow: "article",
    startTimeMs: Date.parse("2026-11-27T09:00:00Z"),
    durationMs: 2500,
    status: "FINISHED",
    nodes: [
      {
        id: "write",
        tool: "serper_search",
        calls: [{
          provider: "openai",
          model: "gpt-4o-mini",
          input: 12,
          output: 30,
          cost: 0.0000198,
        }],
      },
      {
        id: "review",
        calls: [{
          provider: "anthropic",
          model: "claude-haiku-4-5",
          input: 100,
          output: 50,
          cost: 0.00035,
        }],
      },
    ],
  },
  articleYesterdayFailed: {
    experimentId: 1,
    workflow: "article",
    startTimeMs: Date.parse("2026-11-26T10:00:00Z"),
    durationMs: 1200,
    status: "FAILED",
    nodes: [
      {
        id: "write",
        calls: [{
          provider: "openai",
          model: "gpt-4o-mini",
          input: 20,
          output: 10,
          cost: 0.000009,
        }],
      },
      { id: "review", calls: [], error: "ValueError: model returned invalid JSON" },
    ],
  },
  summaryUnpriced: {
    experimentId: 1,
    workflow: "summary",
    startTimeMs: Date.parse("2026-11-20T08:00:00Z"),
    durationMs: 4000,
    status: "FINISHED",
    nodes: [{
      id: "summarize",
      calls: [
        { provider: "openai", model: "gpt-99", input: 1000, output: 500, cost: undefined },
        { provider: "openai", model: "gpt-4o-mini", input: 10, output: 10, cost: 0.0000075 },
      ],
    }],
  },
  articleLastMonth: {
    experimentId: 2,
    workflow: "article",
    startTimeMs: Date.parse("2026-10-15T12:00:00Z"),
    durationMs: 3000,
    status: "FINISHED",
    nodes: [{
      id: "write",
      calls: [{
        provider: "google",
        model: "gemini-2.5-flash",
        input: 200,
        output: 100,
        cost: 0.00031,
      }],
    }],
  },
  summaryKilledUntagged: {
    experimentId: 1,
    workflow: "summary",
    startTimeMs: Date.parse("2026-11-27T12:00:00Z"),
    durationMs: 500,
    status: "KILLED",
    traceTag: false,
    nodes: [{
      id: "summarize",
      calls: [{ provider: "openai", model: "gpt-4o-mini", input: 5, output: 5, cost: 0.00000375 }],
    }],
  },
} satisfies Record<string, RunSpec>;

/** Name of a run of {@linkcode RUNS}. */
export type RunName = keyof typeof RUNS;

/**
 * Fills a fresh MLflow database with {@linkcode RUNS}.
 *
 * @param db The database (experiment 0 present).
 * @returns What each run became.
 */
export function fillDataset(db: DatabaseSync): Record<RunName, InsertedRun> {
  addExperiment(db, 1, "configurable_agents");
  addExperiment(db, 2, "nightly");
  const inserted = {} as Record<RunName, InsertedRun>;
  for (const [name, spec] of Object.entries(RUNS) as [RunName, RunSpec][]) {
    inserted[name] = insertRun(db, spec);
  }
  // A run of another tool in the same file: no workflow_name param, never reported.
  const foreign = "f".repeat(32);
  db.prepare(
    "INSERT INTO runs (run_uuid, name, source_type, status, start_time, end_time, " +
      "lifecycle_stage, experiment_id) VALUES (?, 'sklearn', 'LOCAL', 'FINISHED', ?, ?, 'active', 0)",
  ).run(foreign, RUNS.articleToday.startTimeMs, RUNS.articleToday.startTimeMs + 10);
  db.prepare(
    "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) " +
      "VALUES ('total_cost_usd', 100, 0, 0, 0, ?)",
  ).run(foreign);
  return inserted;
}

/** A temporary directory holding `mlflow.db` filled with {@linkcode RUNS}; dispose to remove. */
export interface DatasetFile extends AsyncDisposable {
  /** The directory. */
  dir: string;
  /** What each run became. */
  runs: Record<RunName, InsertedRun>;
  /** A reader of the file (opened on first use, closed on dispose). */
  reader(): TrackingReader;
}

/**
 * Creates `mlflow.db` with the schema of `release` and {@linkcode RUNS} in a new directory.
 *
 * @param release MLflow release of the schema.
 * @returns The file; `await using` removes it.
 */
export async function datasetFile(release: MlflowRelease = "3.11.1"): Promise<DatasetFile> {
  const dir = await Deno.makeTempDir();
  const db = await createMlflowDb(release, `${dir}/mlflow.db`);
  const runs = fillDataset(db);
  db.close();
  let reader: TrackingReader | undefined;
  return {
    dir,
    runs,
    reader: () => reader ??= openSqliteReader(`${dir}/mlflow.db`),
    async [Symbol.asyncDispose]() {
      await reader?.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
