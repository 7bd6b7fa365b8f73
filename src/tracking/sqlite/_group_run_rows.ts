/**
 * The rows of a group run (a batch or an evaluation) in an MLflow SQLite file: the run, found by
 * its key (which is its run id here) and created when a trace of it or its end arrives first;
 * its end (status, end time, params, tags, metrics); the trace→run link MLflow's evaluation
 * writes (`entity_associations`); and the dataset an evaluation ran over (`datasets` and
 * `inputs`, as `mlflow.log_input` writes them). Runs inside the caller's transaction.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { DatasetRecord, GroupRunLink, RunBundle } from "../trace_bundle.ts";
import { insert, insertMetrics, statement } from "./_bundle_rows.ts";

/** The experiment a group run goes into. */
export interface GroupExperiment {
  /** Experiment id. */
  id: number;
  /** Its artifact location. */
  artifactLocation: string;
}

/** A group run as found or created. */
export interface GroupRunRow {
  /** Run id (the group's key). */
  runId: string;
  /** `RUNNING` until its end is written. */
  status: string;
  /** Its artifact URI. */
  artifactUri: string;
}

/**
 * Finds the group run of a link, or creates it as `RUNNING` with the link's name, start and
 * tags (plus `mlflow.runName`).
 *
 * @param db The database, inside a write transaction.
 * @param group The link.
 * @param options The experiment and the user of the run.
 * @returns The run.
 */
export function ensureGroupRun(
  db: DatabaseSync,
  group: GroupRunLink,
  options: { experiment: GroupExperiment; user: string },
): GroupRunRow {
  const found = statement(db, "SELECT status, artifact_uri FROM runs WHERE run_uuid = ?")
    .get(group.key);
  if (found !== undefined) {
    return {
      runId: group.key,
      status: String(found.status),
      artifactUri: String(found.artifact_uri ?? ""),
    };
  }
  const artifactUri = `${options.experiment.artifactLocation}/${group.key}/artifacts`;
  insert(db, "runs", {
    run_uuid: group.key,
    name: group.runName,
    source_type: "UNKNOWN",
    source_name: "",
    entry_point_name: "",
    user_id: group.tags["mlflow.user"] ?? options.user,
    status: "RUNNING",
    start_time: group.startTimeMs,
    end_time: null,
    source_version: "",
    lifecycle_stage: "active",
    artifact_uri: artifactUri,
    experiment_id: options.experiment.id,
    deleted_time: null,
  });
  const tags = { ...group.tags, "mlflow.runName": group.runName };
  for (const [key, value] of Object.entries(tags)) {
    insert(db, "tags", { key, value, run_uuid: group.key });
  }
  return { runId: group.key, status: "RUNNING", artifactUri };
}

/**
 * Writes the end of a group run: creates the run if no trace of it arrived, then its status and
 * end time, params, the tags it did not have, metrics and dataset. A run that has already ended
 * is left as it is.
 *
 * @param db The database, inside a write transaction.
 * @param bundle The end of the run.
 * @param options The experiment, the clock and new dataset and input ids.
 * @returns The run, and whether it had already ended (nothing written).
 */
export function finishGroupRun(
  db: DatabaseSync,
  bundle: RunBundle,
  options: { experiment: GroupExperiment; nowMs: number; newId: () => string },
): { row: GroupRunRow; alreadyPresent: boolean } {
  const { run, group } = bundle;
  const row = ensureGroupRun(db, group, {
    experiment: options.experiment,
    user: run.tags["mlflow.user"] ?? "unknown",
  });
  if (row.status !== "RUNNING") return { row, alreadyPresent: true };
  statement(db, "UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?")
    .run(run.status, run.endTimeMs, group.key);
  const existing = new Set(
    statement(db, "SELECT key FROM tags WHERE run_uuid = ?").all(group.key)
      .map((tag) => String(tag.key)),
  );
  for (const [key, value] of Object.entries(run.tags)) {
    if (!existing.has(key)) insert(db, "tags", { key, value, run_uuid: group.key });
  }
  for (const [key, value] of Object.entries(run.params)) {
    insert(db, "params", { key, value, run_uuid: group.key });
  }
  insertMetrics(db, group.key, run.metrics, run.endTimeMs);
  if (bundle.dataset) {
    logDatasetInput(db, bundle.dataset, {
      runId: group.key,
      experimentId: options.experiment.id,
      newId: options.newId,
    });
  }
  return { row: { ...row, status: run.status }, alreadyPresent: false };
}

/**
 * Links a trace to a run as MLflow's `link_traces_to_run` does (an `entity_associations` row);
 * a link already there is left.
 *
 * @param db The database, inside a write transaction.
 * @param traceId The trace.
 * @param runId The run.
 * @param options The association id and the clock.
 */
export function linkTraceToRun(
  db: DatabaseSync,
  traceId: string,
  runId: string,
  options: { associationId: string; nowMs: number },
): void {
  const found = statement(
    db,
    "SELECT 1 FROM entity_associations WHERE source_type = 'trace' AND source_id = ? " +
      "AND destination_type = 'run' AND destination_id = ?",
  ).get(traceId, runId);
  if (found !== undefined) return;
  insert(db, "entity_associations", {
    association_id: options.associationId,
    source_type: "trace",
    source_id: traceId,
    destination_type: "run",
    destination_id: runId,
    created_time: options.nowMs,
  });
}

/** The `datasets` row (found by experiment, name and digest, else created) and its `inputs` row. */
function logDatasetInput(
  db: DatabaseSync,
  dataset: DatasetRecord,
  options: { runId: string; experimentId: number; newId: () => string },
): void {
  const found = statement(
    db,
    "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
  ).get(options.experimentId, dataset.name, dataset.digest);
  const datasetId = found === undefined ? options.newId() : String(found.dataset_uuid);
  if (found === undefined) {
    insert(db, "datasets", {
      dataset_uuid: datasetId,
      experiment_id: options.experimentId,
      name: dataset.name,
      digest: dataset.digest,
      dataset_source_type: dataset.sourceType,
      dataset_source: dataset.source,
      dataset_schema: null,
      dataset_profile: dataset.profile,
    });
  }
  const linked = statement(
    db,
    "SELECT 1 FROM inputs WHERE source_type = 'DATASET' AND source_id = ? " +
      "AND destination_type = 'RUN' AND destination_id = ?",
  ).get(datasetId, options.runId);
  if (linked !== undefined) return;
  insert(db, "inputs", {
    input_uuid: options.newId(),
    source_type: "DATASET",
    source_id: datasetId,
    destination_type: "RUN",
    destination_id: options.runId,
    step: 0,
  });
}
