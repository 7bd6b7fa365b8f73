/**
 * The MLflow schemas a new SQLite file can be created with: the complete schema (tables and
 * indexes) of a release, as MLflow's own alembic migrations create it, and its revision. A file
 * created this way is one MLflow opens as its own, and any newer MLflow upgrades it.
 *
 * New files get MLflow 3.9.0's (`d3e4f5a6b7c8`) unless told otherwise (see
 * `mlflow_schema_choice.ts`). The reference scripts are in the shared MLflow notes
 * and `tests/fixtures/mlflow/`; a test keeps the copies here identical to them.
 *
 * @module
 */
import { SQL as SQL_3_9_0 } from "./_mlflow_3_9_0_sql.ts";
import { SQL as SQL_3_10 } from "./_mlflow_3_10_sql.ts";
import { SQL as SQL_3_11_1 } from "./_mlflow_3_11_1_sql.ts";
import type { MlflowSchemaChoice } from "./mlflow_schema_choice.ts";

/** The schema a new file gets for one release line. */
export interface MlflowSchemaScript {
  /** The release whose schema this is. */
  readonly release: string;
  /** Its alembic revision (`alembic_version.version_num`). */
  readonly revision: string;
  /** The script: every table and index, one statement per block. */
  readonly sql: string;
}

/** The schema of each release line a new file can be created with. */
export const MLFLOW_SCHEMA_SCRIPTS: Readonly<Record<MlflowSchemaChoice, MlflowSchemaScript>> = {
  "3.9": { release: "3.9.0", revision: "d3e4f5a6b7c8", sql: SQL_3_9_0 },
  "3.10": { release: "3.10", revision: "1b5f0d9ad7c1", sql: SQL_3_10 },
  "3.11": { release: "3.11.1", revision: "c3d6457b6d8a", sql: SQL_3_11_1 },
};
