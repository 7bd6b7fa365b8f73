/**
 * The prompt registry of an MLflow SQLite file (`sqlite:///path.db`), read and written with
 * `node:sqlite` exactly as MLflow's own client writes it, so MLflow's
 * `mlflow.genai.load_prompt("prompts:/name@alias")` loads what we register and we load what it
 * registers. Reading opens the file read only and never creates it; writing creates a new file
 * with the same MLflow schema the SQLite sink gives new tracking files.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { isAbsolute, resolve } from "node:path";
import { errorMessage, isWorkflowError, WorkflowError } from "../../errors.ts";
import { formatPromptUri, type PromptUri } from "../../config/prompt_uri.ts";
import type {
  PromptDetails,
  PromptRegistry,
  PromptSummary,
  PromptVersion,
  RegisterPromptInput,
  RegisterPromptResult,
} from "./prompt_registry.ts";
import {
  checkAlias,
  checkRegistration,
  isPromptModel,
  notAPrompt,
  PROMPT_TEXT_TAG,
  promptModelTags,
  promptNotFound,
  promptVersionTags,
  toPromptSummary,
  toPromptVersion,
  versionNotFound,
} from "./_prompt_records.ts";
import { checkRegistrySchema } from "./_registry_schema.ts";
import { type ModelRow, RegistryRows } from "./_sqlite_registry_rows.ts";

/** Options of {@linkcode SqlitePromptRegistry.open}. */
export interface SqlitePromptRegistryOptions {
  /**
   * `read` opens the file read only (a missing file is an empty registry); `write` creates it
   * when missing and checks that the registry tables can take our rows.
   *
   * @default {"read"}
   */
  mode?: "read" | "write";
  /**
   * Directory a relative path is resolved against.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string;
  /**
   * How messages name the registry.
   *
   * @default {"sqlite:///<path>"}
   */
  location?: string;
  /**
   * Clock, milliseconds since the epoch.
   *
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * SQLite busy timeout, milliseconds.
   *
   * @default {10000}
   */
  busyTimeoutMs?: number;
  /**
   * Creates a new MLflow database at an absolute path (write mode, file missing or empty).
   *
   * @default {the SQLite sink's: MLflow's complete schema, its revision and experiment 0}
   */
  createDatabase?: (path: string) => Promise<void>;
}

/**
 * A {@linkcode PromptRegistry} over an MLflow SQLite file.
 *
 * @example Usage
 * ```ts
 * import { SqlitePromptRegistry } from "./sqlite_prompt_registry.ts";
 * const dir = await Deno.makeTempDir();
 * const registry = await SqlitePromptRegistry.open(`${dir}/mlflow.db`, { mode: "write" });
 * await registry.register("summarizer", { template: "Summarize {{text}}" });
 * await registry.setAlias("summarizer", "production", 1);
 * const loaded = await registry.load({ name: "summarizer", alias: "production" });
 * await registry.close();
 * if (loaded.version !== 1 || loaded.template !== "Summarize {{text}}") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqlitePromptRegistry implements PromptRegistry {
  /** `sqlite:///<path>`. */
  readonly location: string;
  readonly #db: DatabaseSync | undefined;
  readonly #rows: RegistryRows | undefined;
  readonly #now: () => number;
  readonly #writable: boolean;

  private constructor(
    location: string,
    now: () => number,
    open?: { db: DatabaseSync; rows: RegistryRows; writable: boolean },
  ) {
    this.location = location;
    this.#now = now;
    this.#db = open?.db;
    this.#rows = open?.rows;
    this.#writable = open?.writable ?? false;
  }

  /**
   * Opens the registry of an MLflow SQLite file.
   *
   * @param path The database file (relative to `cwd` or absolute).
   * @param options Mode, working directory, clock.
   * @returns The registry; close it when done.
   * @throws {WorkflowError} `PERMISSION_DENIED` when Deno may not read (or write) the file,
   * `TRACKING_UNAVAILABLE` when it is not an MLflow database with registry tables.
   */
  static async open(
    path: string,
    options: SqlitePromptRegistryOptions = {},
  ): Promise<SqlitePromptRegistry> {
    const {
      mode = "read",
      cwd = Deno.cwd(),
      location = `sqlite:///${path}`,
      now = Date.now,
      busyTimeoutMs = 10_000,
      createDatabase = createWithSink(cwd),
    } = options;
    const file = isAbsolute(path) ? path : resolve(cwd, path);
    checkPermissions(path, file, mode);
    const size = fileSize(file, mode);
    if (mode === "read" && !size) return new SqlitePromptRegistry(location, now);
    if (mode === "write" && !size) await createDatabase(file);
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(file, { readOnly: mode === "read" });
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      const schema = checkRegistrySchema(db, path, mode);
      if (mode === "write") {
        // As the SQLite sink: WAL lets runs and registrations share the file, and NORMAL syncs
        // at checkpoints rather than at every commit.
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
      }
      const rows = new RegistryRows(db, schema);
      return new SqlitePromptRegistry(location, now, { db, rows, writable: mode === "write" });
    } catch (error) {
      db?.close();
      throw openError(error, path, file, mode);
    }
  }

  async register(name: string, input: RegisterPromptInput): Promise<RegisterPromptResult> {
    checkRegistration(name, input);
    return await this.#transaction((rows) => {
      const action = `register prompt "${name}"`;
      const model = rows.model(name);
      const tags = Object.entries(input.tags ?? {});
      if (!model) {
        rows.insertModel(
          name,
          input.message ?? null,
          this.#now(),
          promptModelTags(input.tags ?? {}),
        );
      } else {
        if (!isPromptModel(model.tags)) throw notAPrompt(action, name);
        for (const [key, value] of tags) rows.upsertModelTag(name, key, value);
        const latest = rows.versionNumbers(name).at(-1);
        const current = latest === undefined ? undefined : rows.versions(name, latest)[0];
        if (current && current.tags[PROMPT_TEXT_TAG] === input.template) {
          return { version: this.#version(rows, current.name, current.version), created: false };
        }
      }
      const version = rows.insertVersion(
        name,
        input.message ?? null,
        this.#now(),
        promptVersionTags(input),
      );
      return { version: this.#version(rows, name, version), created: true };
    });
  }

  load(uri: PromptUri): Promise<PromptVersion> {
    const action = `load prompt "${formatPromptUri(uri)}"`;
    return this.#read(action, uri.name, (rows) => {
      this.#prompt(rows, action, uri.name);
      const versions = rows.versionNumbers(uri.name);
      const aliases = rows.aliases(uri.name);
      const target = uri.alias === undefined
        ? uri.version
        : uri.alias === "latest"
        ? versions.at(-1)
        : aliases[uri.alias];
      if (target === undefined || !versions.includes(target)) {
        throw versionNotFound(undefined, uri, versions, aliases);
      }
      return this.#version(rows, uri.name, target);
    });
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    checkAlias(name, alias, version);
    return await this.#transaction((rows) => {
      const action = `set alias "${alias}" of prompt "${name}" to version ${version}`;
      this.#prompt(rows, action, name);
      const versions = rows.versionNumbers(name);
      if (!versions.includes(version)) {
        throw versionNotFound(action, { name, version }, versions, rows.aliases(name));
      }
      rows.upsertAlias(name, alias, version);
    });
  }

  list(): Promise<PromptSummary[]> {
    if (!this.#rows) return Promise.resolve([]);
    return this.#read("list prompts", undefined, (rows) =>
      rows.promptNames().flatMap((name) => {
        const model = rows.model(name);
        return model ? [this.#summary(rows, model)] : [];
      }));
  }

  show(name: string): Promise<PromptDetails> {
    const action = `show prompt "${name}"`;
    return this.#read(action, name, (rows) => {
      const model = this.#prompt(rows, action, name);
      const aliases = rows.aliases(name);
      const versions = rows.versions(name).flatMap((stored) => {
        const version = toPromptVersion(stored, aliases);
        return version ? [version] : [];
      });
      return { ...this.#summary(rows, model), versions };
    });
  }

  close(): Promise<void> {
    this.#db?.close();
    return Promise.resolve();
  }

  #summary(rows: RegistryRows, model: ModelRow): PromptSummary {
    return toPromptSummary(model, rows.versionNumbers(model.name).at(-1), rows.aliases(model.name));
  }

  /** The prompt's model, or the error naming the prompts that exist. */
  #prompt(rows: RegistryRows, action: string, name: string): ModelRow {
    const model = rows.model(name);
    if (!model) throw promptNotFound(action, name, this.location, rows.promptNames());
    if (!isPromptModel(model.tags)) throw notAPrompt(action, name);
    return model;
  }

  #version(rows: RegistryRows, name: string, version: number): PromptVersion {
    const stored = rows.versions(name, version)[0];
    const loaded = stored && toPromptVersion(stored, rows.aliases(name));
    if (!loaded) {
      throw new WorkflowError(
        "PROMPT_NOT_FOUND",
        `Cannot load prompt "prompts:/${name}/${version}" as that version has no template (tag "${PROMPT_TEXT_TAG}")`,
        { phase: "load" },
      );
    }
    return loaded;
  }

  /** Runs a read; without a database file no prompt exists. */
  #read<T>(action: string, name: string | undefined, fn: (rows: RegistryRows) => T): Promise<T> {
    if (!this.#rows) {
      return Promise.reject(
        promptNotFound(action, name ?? "", `${this.location} (the file does not exist)`, []),
      );
    }
    try {
      return Promise.resolve(fn(this.#rows));
    } catch (error) {
      return Promise.reject(storeError("read prompts from", this.location, error));
    }
  }

  /** Runs writes in one `BEGIN IMMEDIATE` transaction. */
  #transaction<T>(fn: (rows: RegistryRows) => T): Promise<T> {
    const db = this.#db;
    const rows = this.#rows;
    if (!db || !rows || !this.#writable) {
      return Promise.reject(
        new WorkflowError(
          "TRACKING_UNAVAILABLE",
          `Cannot write prompts to ${this.location} as the registry was opened for reading`,
          { phase: "track" },
        ),
      );
    }
    try {
      db.exec("BEGIN IMMEDIATE");
      const result = fn(rows);
      db.exec("COMMIT");
      return Promise.resolve(result);
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      return Promise.reject(storeError("write prompts to", this.location, error));
    }
  }
}

function createWithSink(cwd: string): (path: string) => Promise<void> {
  return async (path) => {
    const { SqliteSink } = await import("../sqlite/sqlite_sink.ts");
    const sink = await SqliteSink.open(path, { cwd });
    await sink.close();
  };
}

/** The files SQLite uses for a database: the file and its companions. */
function companions(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}

/** Refuses, with the flag to add, before SQLite meets a permission Deno would deny. */
function checkPermissions(path: string, file: string, mode: "read" | "write"): void {
  const denied = (name: "read" | "write", target: string) => {
    try {
      return Deno.permissions.querySync({ name, path: target }).state !== "granted";
    } catch {
      return true;
    }
  };
  const names = mode === "read" ? ["read"] as const : ["read", "write"] as const;
  for (const name of names) {
    const targets = name === "read" ? [file] : companions(file);
    const missing = targets.find((target) => denied(name, target));
    if (missing !== undefined) {
      throw new WorkflowError(
        "PERMISSION_DENIED",
        `Cannot ${mode} prompts in "${path}" as Deno has no ${name} permission for "${missing}"`,
        { phase: "track", hint: `Run with --allow-${name}=${targets.join(",")}` },
      );
    }
  }
}

/** Size of the file, 0 when it does not exist; a refused permission is reported with its flag. */
function fileSize(file: string, mode: "read" | "write"): number {
  try {
    return Deno.statSync(file).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw openError(error, file, file, mode);
  }
}

function openError(error: unknown, path: string, file: string, mode: "read" | "write"): unknown {
  if (isWorkflowError(error)) return error;
  if (error instanceof Error && /NotCapable|PermissionDenied/.test(error.name)) {
    const flag = mode === "read"
      ? `--allow-read=${file}`
      : `--allow-read=${file} --allow-write=${companions(file).join(",")}`;
    return new WorkflowError(
      "PERMISSION_DENIED",
      `Cannot ${mode} prompts in "${path}" as Deno may not ${mode} it: ${errorMessage(error)}`,
      { phase: "track", cause: error, hint: `Run with ${flag}` },
    );
  }
  return storeError(
    mode === "read" ? "read prompts from" : "write prompts to",
    `sqlite:///${path}`,
    error,
  );
}

function storeError(action: string, location: string, error: unknown): unknown {
  if (isWorkflowError(error)) return error;
  return new WorkflowError(
    "TRACKING_UNAVAILABLE",
    `Cannot ${action} ${location} as SQLite reported: ${errorMessage(error)}`,
    { phase: "track", cause: error },
  );
}
