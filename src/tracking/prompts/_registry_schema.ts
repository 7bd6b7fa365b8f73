/**
 * Whether an MLflow SQLite file holds the model registry tables the prompt registry reads and
 * writes, decided from its schema (as the SQLite sink decides for the tracking tables): every
 * column we use must exist; for writing, no column we leave out may be NOT NULL without a
 * default. `workspace` (MLflow 3.10+) is written and filtered on where present.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { WorkflowError } from "../../errors.ts";

/** Columns the prompt registry uses, by table. */
const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  registered_models: ["name", "creation_time", "last_updated_time", "description"],
  registered_model_tags: ["key", "value", "name"],
  model_versions: [
    "name",
    "version",
    "creation_time",
    "last_updated_time",
    "description",
    "user_id",
    "current_stage",
    "source",
    "run_id",
    "status",
    "status_message",
    "run_link",
    "storage_location",
  ],
  model_version_tags: ["key", "value", "name", "version"],
  registered_model_aliases: ["alias", "version", "name"],
};

/** What the registry tables of a file have beyond the columns we always use. */
export interface RegistrySchema {
  /** Every registry table has `workspace` (MLflow 3.10+). */
  readonly hasWorkspace: boolean;
}

interface Column {
  name: string;
  required: boolean;
}

function columnsOf(db: DatabaseSync, table: string): Column[] {
  return db.prepare(`PRAGMA table_xinfo("${table}")`).all().map((row) => ({
    name: String(row.name),
    required: Number(row.notnull) === 1 && row.dflt_value === null && Number(row.hidden) === 0,
  }));
}

/**
 * Checks the registry tables of an MLflow database. Only reads.
 *
 * @param db The open database.
 * @param location The database as messages name it.
 * @param purpose `write` also refuses NOT NULL columns without a default that we do not fill.
 * @returns Whether the tables have `workspace`.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` naming what is missing and how to fix it.
 */
export function checkRegistrySchema(
  db: DatabaseSync,
  location: string,
  purpose: "read" | "write",
): RegistrySchema {
  const missing: string[] = [];
  const unfilled: string[] = [];
  let workspaces = 0;
  for (const [table, used] of Object.entries(COLUMNS)) {
    const columns = columnsOf(db, table);
    if (columns.length === 0) {
      missing.push(`table "${table}"`);
      continue;
    }
    const names = new Set(columns.map((column) => column.name));
    if (names.has("workspace")) workspaces++;
    for (const name of used) if (!names.has(name)) missing.push(`column "${table}.${name}"`);
    for (const column of columns) {
      if (column.required && !used.includes(column.name) && column.name !== "workspace") {
        unfilled.push(`column "${table}.${column.name}"`);
      }
    }
  }
  const hint =
    `Open it once with MLflow 3.9 or newer (\`mlflow db upgrade sqlite:///${location}\`), or use a new database file; the file was left unchanged`;
  if (missing.length > 0) {
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot use the prompt registry of "${location}" as it lacks ${missing.join(", ")}`,
      { phase: "track", hint },
    );
  }
  if (purpose === "write" && unfilled.length > 0) {
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot write prompts to "${location}" as its schema requires values we do not write: ${
        unfilled.join(", ")
      } (NOT NULL without a default)`,
      {
        phase: "track",
        hint:
          "Register the prompt through MLflow's own server on this file (--tracking-uri http://...), or use a new database file; the file was left unchanged",
      },
    );
  }
  return { hasWorkspace: workspaces === Object.keys(COLUMNS).length };
}
