/**
 * The rows of MLflow's model registry tables that prompts live in, read and written as
 * MLflow's `SqlAlchemyStore` (model registry) does: versions numbered after the highest one
 * ever written, deleted versions (`current_stage = 'Deleted_Internal'`) ignored, every row in
 * workspace `default` where the tables have workspaces.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { IS_PROMPT_TAG, PROMPT_SOURCE, type StoredPromptVersion } from "./_prompt_records.ts";
import type { RegistrySchema } from "./_registry_schema.ts";

/** MLflow's workspace when workspaces are not in use. */
const WORKSPACE = "default";
/** `current_stage` of a deleted version. */
const DELETED = "Deleted_Internal";

/** A registered model row with its tags. */
export interface ModelRow {
  /** Name. */
  name: string;
  /** Description. */
  description: string | null;
  /** Creation time, ms. */
  creationTime: number | null;
  /** Tags by key. */
  tags: Record<string, string>;
}

/** Reads and writes registry rows of one database. */
export class RegistryRows {
  readonly #db: DatabaseSync;
  readonly #workspace: boolean;

  /**
   * @param db The open database.
   * @param schema Whether the tables have `workspace`.
   */
  constructor(db: DatabaseSync, schema: RegistrySchema) {
    this.#db = db;
    this.#workspace = schema.hasWorkspace;
  }

  /** ` AND <alias>workspace = 'default'` where the tables have workspaces. */
  #inWorkspace(alias = ""): string {
    return this.#workspace ? ` AND ${alias}workspace = '${WORKSPACE}'` : "";
  }

  #all(sql: string, ...params: SQLInputValue[]) {
    return this.#db.prepare(sql).all(...params);
  }

  /** Names of every prompt, sorted. */
  promptNames(): string[] {
    return this.#all(
      `SELECT m.name FROM registered_models m WHERE EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = m.name AND t.key = ? AND lower(t.value) = 'true'${
        this.#inWorkspace("t.")
      })${this.#inWorkspace("m.")} ORDER BY m.name`,
      IS_PROMPT_TAG,
    ).map((row) => String(row.name));
  }

  /** One registered model with its tags, or `undefined`. */
  model(name: string): ModelRow | undefined {
    const row = this.#all(
      `SELECT name, description, creation_time FROM registered_models WHERE name = ?${this.#inWorkspace()}`,
      name,
    )[0];
    if (!row) return undefined;
    const tags = this.#all(
      `SELECT key, value FROM registered_model_tags WHERE name = ?${this.#inWorkspace()}`,
      name,
    );
    return {
      name: String(row.name),
      description: row.description === null ? null : String(row.description),
      creationTime: row.creation_time === null ? null : Number(row.creation_time),
      tags: Object.fromEntries(tags.map((tag) => [String(tag.key), String(tag.value ?? "")])),
    };
  }

  /** The version numbers of a model that are not deleted, ascending. */
  versionNumbers(name: string): number[] {
    return this.#all(
      `SELECT version FROM model_versions WHERE name = ? AND (current_stage IS NULL OR current_stage != ?)${this.#inWorkspace()} ORDER BY version`,
      name,
      DELETED,
    ).map((row) => Number(row.version));
  }

  /** Aliases of a model, by name. */
  aliases(name: string): Record<string, number> {
    return Object.fromEntries(
      this.#all(
        `SELECT alias, version FROM registered_model_aliases WHERE name = ?${this.#inWorkspace()}`,
        name,
      ).map((row) => [String(row.alias), Number(row.version)]),
    );
  }

  /** Versions of a model with their tags; all of them, or only `version`. */
  versions(name: string, version?: number): StoredPromptVersion[] {
    const one = version === undefined ? "" : " AND version = ?";
    const params: SQLInputValue[] = version === undefined
      ? [name, DELETED]
      : [name, DELETED, version];
    const rows = this.#all(
      `SELECT version, description, creation_time FROM model_versions WHERE name = ? AND (current_stage IS NULL OR current_stage != ?)${one}${this.#inWorkspace()} ORDER BY version DESC`,
      ...params,
    );
    const tagParams: SQLInputValue[] = version === undefined ? [name] : [name, version];
    const tags = this.#all(
      `SELECT key, value, version FROM model_version_tags WHERE name = ?${one}${this.#inWorkspace()} ORDER BY rowid`,
      ...tagParams,
    );
    return rows.map((row) => ({
      name,
      version: Number(row.version),
      description: row.description === null ? null : String(row.description),
      creationTime: row.creation_time === null ? null : Number(row.creation_time),
      tags: Object.fromEntries(
        tags.filter((tag) => Number(tag.version) === Number(row.version))
          .map((tag) => [String(tag.key), String(tag.value ?? "")]),
      ),
    }));
  }

  /** Inserts a registered model and its tags. */
  insertModel(
    name: string,
    description: string | null,
    now: number,
    tags: [string, string][],
  ): void {
    this.#insert("registered_models", {
      name,
      creation_time: now,
      last_updated_time: now,
      description,
    });
    for (const [key, value] of tags) this.upsertModelTag(name, key, value);
  }

  /** Sets a tag of a registered model (MLflow's `session.merge`). */
  upsertModelTag(name: string, key: string, value: string): void {
    this.#insert("registered_model_tags", { key, value, name }, "value");
  }

  /**
   * Inserts the next version of a model with its tags and touches the model's
   * `last_updated_time`, as `create_model_version` does.
   *
   * @returns The new version number.
   */
  insertVersion(
    name: string,
    description: string | null,
    now: number,
    tags: [string, string][],
  ): number {
    const highest = this.#all(
      `SELECT max(version) AS highest FROM model_versions WHERE name = ?${this.#inWorkspace()}`,
      name,
    )[0]?.highest;
    const version = (highest === null || highest === undefined ? 0 : Number(highest)) + 1;
    this.#insert("model_versions", {
      name,
      version,
      creation_time: now,
      last_updated_time: now,
      description,
      user_id: null,
      current_stage: "None",
      source: PROMPT_SOURCE,
      run_id: null,
      status: "READY",
      status_message: null,
      run_link: null,
      storage_location: PROMPT_SOURCE,
    });
    for (const [key, value] of tags) {
      this.#insert("model_version_tags", { key, value, name, version });
    }
    this.#db.prepare(
      `UPDATE registered_models SET last_updated_time = ? WHERE name = ?${this.#inWorkspace()}`,
    ).run(now, name);
    return version;
  }

  /** Points an alias at a version (moving it when it exists). */
  upsertAlias(name: string, alias: string, version: number): void {
    this.#insert("registered_model_aliases", { alias, version, name }, "version");
  }

  /** Inserts one row (with `workspace` where present); `update` names the column to overwrite on conflict. */
  #insert(table: string, values: Record<string, SQLInputValue>, update?: string): void {
    const row = this.#workspace ? { ...values, workspace: WORKSPACE } : values;
    const columns = Object.keys(row);
    const conflict = update ? ` ON CONFLICT DO UPDATE SET ${update} = excluded.${update}` : "";
    this.#db.prepare(
      `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${
        columns.map(() => "?").join(", ")
      })${conflict}`,
    ).run(...Object.values(row));
  }
}
