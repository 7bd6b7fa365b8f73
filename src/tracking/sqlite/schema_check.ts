/**
 * Whether an existing MLflow SQLite file can take our rows, decided from its schema rather than
 * from a list of alembic revisions, so that a file a newer MLflow upgraded (or created) is
 * written as long as its tables still fit: every table and column we write must exist, and no
 * column we leave out may be NOT NULL without a default. Optional parts (`span_metrics`,
 * `spans.dimension_attributes`, `experiments.workspace`, all MLflow 3.10+) are written only
 * where present. The check only reads the file.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { WorkflowError } from "../../errors.ts";
import { MLFLOW_SCHEMA_SCRIPTS } from "./mlflow_schema_sql.ts";

/** Every table and column we write, whatever the release. */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
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
  logged_models: [
    "model_id",
    "experiment_id",
    "name",
    "artifact_location",
    "creation_timestamp_ms",
    "last_updated_timestamp_ms",
    "status",
    "lifecycle_stage",
    "model_type",
    "source_run_id",
    "status_message",
  ],
  logged_model_params: ["model_id", "experiment_id", "param_key", "param_value"],
  logged_model_tags: ["model_id", "experiment_id", "tag_key", "tag_value"],
  entity_associations: [
    "association_id",
    "source_type",
    "source_id",
    "destination_type",
    "destination_id",
    "created_time",
  ],
  assessments: [
    "assessment_id",
    "trace_id",
    "name",
    "assessment_type",
    "value",
    "error",
    "created_timestamp",
    "last_updated_timestamp",
    "source_type",
    "source_id",
    "run_id",
    "span_id",
    "rationale",
    "overrides",
    "valid",
    "assessment_metadata",
  ],
  datasets: [
    "dataset_uuid",
    "experiment_id",
    "name",
    "digest",
    "dataset_source_type",
    "dataset_source",
    "dataset_schema",
    "dataset_profile",
  ],
  inputs: ["input_uuid", "source_type", "source_id", "destination_type", "destination_id", "step"],
};

/** Columns we write where the table has them (MLflow 3.10+). */
export const OPTIONAL_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  experiments: ["workspace"],
  spans: ["dimension_attributes"],
};

/** Tables we write where the file has them (MLflow 3.10+), with the columns we write. */
export const OPTIONAL_TABLES: Readonly<Record<string, readonly string[]>> = {
  span_metrics: ["trace_id", "span_id", "key", "value"],
};

/** What a writable file has beyond the required columns. */
export interface MlflowSchemaInfo {
  /** `alembic_version.version_num`. */
  revision: string;
  /** The `span_metrics` table exists (3.10+). */
  hasSpanMetrics: boolean;
  /** `spans.dimension_attributes` exists (3.10+). */
  hasDimensionAttributes: boolean;
  /** `experiments.workspace` exists (3.10+). */
  hasWorkspace: boolean;
}

/** A column as `PRAGMA table_xinfo` describes it. */
interface ColumnInfo {
  name: string;
  notNull: boolean;
  hasDefault: boolean;
  /** SQLite fills it: a generated (or hidden) column, or the rowid alias `INTEGER PRIMARY KEY`. */
  autoFilled: boolean;
}

/** The tables of MLflow 3.9.0: a file that lacks one of them is older. */
const TABLES_OF_3_9 = [
  ...MLFLOW_SCHEMA_SCRIPTS["3.9"].sql.matchAll(/^CREATE TABLE "?(\w+)"? \(/gm),
].map((match) => match[1] ?? "");

function tableColumns(db: DatabaseSync, table: string): ColumnInfo[] {
  const rows = db.prepare(`PRAGMA table_xinfo("${table.replaceAll('"', '""')}")`).all();
  const keyColumns = rows.filter((row) => Number(row.pk) > 0).length;
  return rows.map((row) => ({
    name: String(row.name),
    notNull: Number(row.notnull) === 1,
    hasDefault: row.dflt_value !== null,
    autoFilled: Number(row.hidden) !== 0 ||
      (keyColumns === 1 && Number(row.pk) === 1 && String(row.type).toUpperCase() === "INTEGER"),
  }));
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

/** The `sqlite:///` URI of a path, as MLflow's commands take it. */
function sqliteUri(location: string): string {
  return `sqlite:///${location}`;
}

/** Every refusal says so: the check only reads. */
const UNCHANGED = "the file was left unchanged";

function refuse(message: string, hint: string): WorkflowError {
  return new WorkflowError("TRACKING_UNAVAILABLE", message, { phase: "track", hint });
}

/** The way out when a newer MLflow changed tables we write: its own server writes the file. */
function newerSchemaHint(location: string): string {
  return `Record into it through MLflow's own server instead (\`mlflow server --backend-store-uri ${
    sqliteUri(location)
  }\`, then --tracking-uri http://127.0.0.1:5000), or use a new database file; ${UNCHANGED}`;
}

/** What we write that the file lacks, and the NOT NULL columns without a default we leave out. */
function findGaps(
  db: DatabaseSync,
  tables: Set<string>,
): { missing: string[]; unfilled: string[] } {
  const missing: string[] = [];
  const unfilled: string[] = [];
  const written = Object.entries(REQUIRED_COLUMNS).map(([table, columns]) =>
    [table, [...columns, ...(OPTIONAL_COLUMNS[table] ?? [])], false] as const
  );
  const optional = Object.entries(OPTIONAL_TABLES).map(([table, columns]) =>
    [table, columns, true] as const
  );
  for (const [table, columns, isOptional] of [...written, ...optional]) {
    if (!tables.has(table)) {
      if (!isOptional) missing.push(`table "${table}"`);
      continue;
    }
    const present = tableColumns(db, table);
    const names = new Set(present.map((column) => column.name));
    const required = isOptional ? columns : REQUIRED_COLUMNS[table] ?? [];
    for (const column of required) {
      if (!names.has(column)) missing.push(`column "${table}.${column}"`);
    }
    for (const column of present) {
      if (column.notNull && !column.hasDefault && !column.autoFilled) {
        if (!columns.includes(column.name)) unfilled.push(`column "${table}.${column.name}"`);
      }
    }
  }
  return { missing, unfilled };
}

/**
 * Checks that an MLflow database can take our rows, from its schema: any alembic revision is
 * accepted when every table and column we write exists and every other NOT NULL column has a
 * default. Only reads the database.
 *
 * @example Usage
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { checkMlflowSchema } from "./schema_check.ts";
 * import { MLFLOW_SCHEMA_SCRIPTS } from "./mlflow_schema_sql.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec(MLFLOW_SCHEMA_SCRIPTS["3.11"].sql);
 * db.exec("INSERT INTO alembic_version VALUES ('a-revision-from-the-future')");
 * if (!checkMlflowSchema(db, "mlflow.db").hasSpanMetrics) throw new Error();
 * db.close();
 * ```
 *
 * @param db An open database that has tables.
 * @param location How to name the database in messages (its path as given).
 * @returns The revision and the optional parts present.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` naming what does not fit and how to fix it.
 */
export function checkMlflowSchema(db: DatabaseSync, location: string): MlflowSchemaInfo {
  const tables = tableNames(db);
  if (!tables.has("alembic_version")) {
    throw refuse(
      `Cannot write to database "${location}" as it is not an MLflow database: it has tables but no "alembic_version" table`,
      `Point the tracking URI at a new file (it gets MLflow's schema) or at a database MLflow created; ${UNCHANGED}`,
    );
  }
  const revisions = db.prepare("SELECT version_num FROM alembic_version").all()
    .map((row) => String(row.version_num));
  const revision = revisions[0];
  if (revisions.length !== 1 || revision === undefined) {
    throw refuse(
      `Cannot write to MLflow database "${location}" as its schema revision is unknown: "alembic_version" holds ${revisions.length} rows${
        revisions.length > 0 ? ` (${revisions.map((r) => `"${r}"`).join(", ")})` : ""
      } instead of one`,
      `Use a new database file, as MLflow cannot open this one either; ${UNCHANGED}`,
    );
  }
  const { missing, unfilled } = findGaps(db, tables);
  const older = TABLES_OF_3_9.filter((table) => !tables.has(table));
  if (missing.length > 0 && older.length > 0) {
    throw refuse(
      `Cannot write to MLflow database "${location}" as its schema (revision "${revision}") is older than MLflow 3.9: it lacks ${
        missing.join(", ")
      }`,
      `Back it up, then upgrade it with MLflow 3.9 or newer: \`mlflow db upgrade ${
        sqliteUri(location)
      }\`; ${UNCHANGED}`,
    );
  }
  if (missing.length > 0) {
    throw refuse(
      `Cannot write to MLflow database "${location}" as its schema (revision "${revision}") lacks what we write: ${
        missing.join(", ")
      }`,
      newerSchemaHint(location),
    );
  }
  if (unfilled.length > 0) {
    throw refuse(
      `Cannot write to MLflow database "${location}" as its schema (revision "${revision}") requires values we do not write: ${
        unfilled.join(", ")
      } (NOT NULL without a default)`,
      newerSchemaHint(location),
    );
  }
  const columnsOf = (table: string) => new Set(tableColumns(db, table).map((c) => c.name));
  return {
    revision,
    hasSpanMetrics: tables.has("span_metrics"),
    hasDimensionAttributes: columnsOf("spans").has("dimension_attributes"),
    hasWorkspace: columnsOf("experiments").has("workspace"),
  };
}
