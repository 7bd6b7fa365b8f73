/**
 * The MLflow release lines a new SQLite file can be created for, and how users name them. Kept
 * apart from the schema scripts so that reading a flag does not load them.
 *
 * @module
 */

/** The release lines a new file can be created for, oldest first. */
export const MLFLOW_SCHEMA_CHOICES = ["3.9", "3.10", "3.11"] as const;

/** An MLflow release line a new file can be created for. */
export type MlflowSchemaChoice = (typeof MLFLOW_SCHEMA_CHOICES)[number];

/**
 * The schema new files get unless told otherwise: 3.9, the oldest release we write. MLflow
 * refuses a file whose revision is newer than its own and cannot downgrade it, while every
 * newer MLflow upgrades a 3.9 file when it opens it.
 */
export const DEFAULT_MLFLOW_SCHEMA: MlflowSchemaChoice = "3.9";

/**
 * Whether a value names a release line a new file can be created for.
 *
 * @param value Anything.
 * @returns `true` for `"3.9"`, `"3.10"` and `"3.11"`.
 */
export function isMlflowSchemaChoice(value: unknown): value is MlflowSchemaChoice {
  return (MLFLOW_SCHEMA_CHOICES as readonly unknown[]).includes(value);
}

/**
 * Reads a release line as users write it: `3.9`, `3.10`, `3.11`, or a release of one of them
 * (`3.9.0`, `3.10.1`, `3.11.1`).
 *
 * @example Usage
 * ```ts
 * import { parseMlflowSchemaChoice } from "./mlflow_schema_choice.ts";
 * if (parseMlflowSchemaChoice("3.11.1") !== "3.11") throw new Error();
 * if (parseMlflowSchemaChoice("2.0") !== undefined) throw new Error();
 * ```
 *
 * @param value The text.
 * @returns The release line, or `undefined` when it is not one a new file can be created for.
 */
export function parseMlflowSchemaChoice(value: string): MlflowSchemaChoice | undefined {
  const line = /^\s*(\d+\.\d+)(?:\.\d+)?\s*$/.exec(value)?.[1];
  return isMlflowSchemaChoice(line) ? line : undefined;
}
