/**
 * Whether an existing MLflow SQLite file can take our rows: its alembic revision must be one of
 * the releases we support, and every table and column we write must exist. Optional parts
 * (`span_metrics`, `spans.dimension_attributes`, `experiments.workspace`) are written only
 * where present.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { WorkflowError } from "../../errors.ts";

/** The MLflow releases whose databases we write, by alembic revision. */
export const SUPPORTED_MLFLOW_REVISIONS: Readonly<Record<string, string>> = {
  d3e4f5a6b7c8: "3.9.0",
  "1b5f0d9ad7c1": "3.10",
  c3d6457b6d8a: "3.11.1",
};

/** Every table and column we write, whatever the release. */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  alembic_version: ["version_num"],
  experiments: [
    "experiment_id",
    "name",
    "artifact_location",
    "lifecycle_stage",
    "creation_time",
    "last_update_time",
  ],
  runs: [
    "run_uuid",
    "name",
    "source_type",
    "source_name",
    "entry_point_name",
    "user_id",
    "status",
    "start_time",
    "end_time",
    "source_version",
    "lifecycle_stage",
    "artifact_uri",
    "experiment_id",
    "deleted_time",
  ],
  params: ["key", "value", "run_uuid"],
  tags: ["key", "value", "run_uuid"],
  metrics: ["key", "value", "timestamp", "run_uuid", "step", "is_nan"],
  latest_metrics: ["key", "value", "timestamp", "step", "is_nan", "run_uuid"],
  trace_info: [
    "request_id",
    "experiment_id",
    "timestamp_ms",
    "execution_time_ms",
    "status",
    "client_request_id",
    "request_preview",
    "response_preview",
  ],
  trace_tags: ["key", "value", "request_id"],
  trace_request_metadata: ["key", "value", "request_id"],
  trace_metrics: ["request_id", "key", "value"],
  spans: [
    "trace_id",
    "experiment_id",
    "span_id",
    "parent_span_id",
    "name",
    "type",
    "status",
    "start_time_unix_nano",
    "end_time_unix_nano",
    "content",
  ],
};

/** What a compatible file has beyond the required columns. */
export interface MlflowSchemaInfo {
  /** `alembic_version.version_num`. */
  revision: string;
  /** The MLflow release of that revision. */
  release: string;
  /** The `span_metrics` table exists (3.10+). */
  hasSpanMetrics: boolean;
  /** `spans.dimension_attributes` exists (3.10+). */
  hasDimensionAttributes: boolean;
  /** `experiments.workspace` exists (3.10+). */
  hasWorkspace: boolean;
}

/**
 * Names of the columns of a table, generated columns included.
 *
 * @param db An open database.
 * @param table Table name.
 * @returns The column names (empty when the table does not exist).
 */
function tableColumns(db: DatabaseSync, table: string): Set<string> {
  const rows = db.prepare(`PRAGMA table_xinfo("${table.replaceAll('"', '""')}")`).all();
  return new Set(rows.map((row) => String(row.name)));
}

/**
 * Names of the tables of a database, SQLite's own excluded.
 *
 * @param db An open database.
 * @returns The table names.
 */
export function tableNames(db: DatabaseSync): Set<string> {
  const rows = db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  ).all();
  return new Set(rows.map((row) => String(row.name)));
}

/**
 * Checks that a database made by MLflow can take our rows.
 *
 * @param db An open database that has tables.
 * @param location How to name the database in messages (its path).
 * @returns The revision and the optional parts present.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` naming the revision and what is missing, with
 * how to fix it.
 */
export function checkMlflowSchema(db: DatabaseSync, location: string): MlflowSchemaInfo {
  const tables = tableNames(db);
  if (!tables.has("alembic_version")) {
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot write to database "${location}" as it is not an MLflow database: it has tables but no "alembic_version"`,
      {
        phase: "track",
        hint: "Point tracking_uri at a new file or at a database created by MLflow",
      },
    );
  }
  const revisions = db.prepare("SELECT version_num FROM alembic_version").all()
    .map((row) => String(row.version_num));
  const revision = revisions[0] ?? "";
  const supported = Object.entries(SUPPORTED_MLFLOW_REVISIONS)
    .map(([id, release]) => `${release} ("${id}")`).join(", ");
  const release = SUPPORTED_MLFLOW_REVISIONS[revision];
  if (revisions.length !== 1 || release === undefined) {
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot write to MLflow database "${location}" as its schema revision "${
        revisions.join(", ")
      }" is not one we support: supported are ${supported}`,
      {
        phase: "track",
        hint:
          `An older file: run \`mlflow db upgrade sqlite:///${location}\` with MLflow 3.11.1. A file from a newer MLflow: use a new database file`,
      },
    );
  }
  const missing: string[] = [];
  for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
    if (!tables.has(table)) {
      missing.push(`table "${table}"`);
      continue;
    }
    const present = tableColumns(db, table);
    for (const column of columns) {
      if (!present.has(column)) missing.push(`column "${table}.${column}"`);
    }
  }
  if (missing.length > 0) {
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot write to MLflow database "${location}" (revision "${revision}", MLflow ${release}) as it lacks what we write: ${
        missing.join(", ")
      }`,
      {
        phase: "track",
        hint: `Run \`mlflow db upgrade sqlite:///${location}\`, or use a new database file`,
      },
    );
  }
  return {
    revision,
    release,
    hasSpanMetrics: tables.has("span_metrics"),
    hasDimensionAttributes: tableColumns(db, "spans").has("dimension_attributes"),
    hasWorkspace: tableColumns(db, "experiments").has("workspace"),
  };
}
