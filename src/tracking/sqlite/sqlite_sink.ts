/**
 * `SqliteSink`: writes bundles straight into an MLflow SQLite database (`sqlite:///path.db`)
 * with `node:sqlite`, so `mlflow ui --backend-store-uri sqlite:///path.db` shows them without a
 * server. A new file gets the complete schema of MLflow 3.9.0 (or of a newer release line on
 * request), which every MLflow from 3.9 on opens; an existing file is checked from its schema
 * before anything is written, and left untouched when refused; once a newer MLflow has upgraded
 * a file, the next open fills MLflow's per-span cost rows of the runs recorded before. WAL
 * journal and a busy timeout, with retries at transaction start, let many processes write one
 * file at once; `synchronous = NORMAL` (safe in WAL mode) keeps commits cheap.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { errorMessage, isWorkflowError, WorkflowError } from "../../errors.ts";
import {
  type ArtifactRecord,
  type DeliveryReceipt,
  isRunBundle,
  type RunBundle,
  type TraceBundle,
  type TraceSink,
  type TrackingBundle,
} from "../trace_bundle.ts";
import { findOrCreateExperiment, findStoredTrace, insertRun, insertTrace } from "./_bundle_rows.ts";
import { ensureGroupRun, finishGroupRun, linkTraceToRun } from "./_group_run_rows.ts";
import { ensureLoggedModel, loggedModelArtifacts } from "./_logged_model_rows.ts";
import { appendToSharedTrace } from "./_shared_trace_rows.ts";
import { insertAssessments } from "./_assessment_rows.ts";
import { MLFLOW_SCHEMA_SCRIPTS, type MlflowSchemaScript } from "./mlflow_schema_sql.ts";
import {
  DEFAULT_MLFLOW_SCHEMA,
  isMlflowSchemaChoice,
  MLFLOW_SCHEMA_CHOICES,
  type MlflowSchemaChoice,
} from "./mlflow_schema_choice.ts";
import { checkMlflowSchema, type MlflowSchemaInfo } from "./schema_check.ts";
import type { ExperimentRow } from "./_bundle_rows.ts";
import { type ArtifactFile, localArtifactFiles, writeArtifactFiles } from "./_artifact_files.ts";
import { backfillSpanMetrics, tracesToBackfill } from "./_backfill_span_metrics.ts";

/** Options of {@linkcode SqliteSink.open}. */
export interface SqliteSinkOptions {
  /**
   * Working directory that relative paths are resolved against.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string;
  /**
   * Artifact root of experiments this sink creates (absolute path or `file://` URI); experiment
   * `<id>` stores its artifacts under `<root>/<id>`.
   *
   * @default {"<cwd>/mlruns"}
   */
  artifactRoot?: string;
  /**
   * The MLflow release line whose schema a new (or empty) file gets; an existing file keeps its
   * own. MLflow refuses a file newer than itself, and every MLflow upgrades an older one when it
   * opens it, so the default suits every MLflow from 3.9 on; `"3.10"` or `"3.11"` gives a newer
   * MLflow its per-span cost table (`span_metrics`) from the first run.
   *
   * @default {"3.9"}
   */
  mlflowSchema?: MlflowSchemaChoice;
  /**
   * Writes a run artifact, creating its directories. Its errors fail the delivery (nothing is
   * committed), so the delivery layer can spool the bundle.
   *
   * @default {creates the parent directories, then Deno.writeTextFile}
   */
  writeFile?: (path: string, content: string) => Promise<void>;
  /**
   * Clock in milliseconds since the epoch (experiment creation times).
   *
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * Waits between retries when the database is locked.
   *
   * @default {(ms) => new Promise((resolve) => setTimeout(resolve, ms))}
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Random numbers in [0, 1) for retry jitter.
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * New MLflow run ids (32 hex digits); also the ids of logged models (after `m-`), assessments
   * (after `a-`), trace links, datasets and inputs.
   *
   * @default {a random UUID without dashes}
   */
  newRunId?: () => string;
  /**
   * SQLite busy timeout, milliseconds.
   *
   * @default {10000}
   */
  busyTimeoutMs?: number;
  /**
   * Retries when a transaction cannot start because the database is locked.
   *
   * @default {10}
   */
  maxRetries?: number;
  /**
   * Receives warnings: artifacts that cannot be written here (a non-local artifact location), or
   * MLflow's span cost rows of earlier runs that cannot be filled after an upgrade.
   *
   * @default {() => {}}
   */
  warn?: (message: string) => void;
}

type Resolved =
  & Required<
    Omit<SqliteSinkOptions, "cwd" | "artifactRoot" | "writeFile" | "mlflowSchema">
  >
  & {
    artifactRoot: string;
    script: MlflowSchemaScript;
    writeFile: SqliteSinkOptions["writeFile"];
  };

function isBusy(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const errcode = (error as { errcode?: unknown }).errcode;
  return (typeof errcode === "number" && (errcode & 0xff) === 5) ||
    /database is locked|SQLITE_BUSY/i.test(error.message);
}

function trackingError(action: string, location: string, error: unknown): WorkflowError {
  if (isWorkflowError(error)) return error;
  const reason = errorMessage(error);
  const hint = openHint(error);
  return new WorkflowError(
    "TRACKING_UNAVAILABLE",
    `Cannot ${action} MLflow database "${location}" as SQLite reported: ${reason}`,
    { phase: "track", cause: error, ...(hint === undefined ? {} : { hint }) },
  );
}

/** How to fix a file SQLite cannot open: one that is not a database, or a missing directory. */
function openHint(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const errcode = (error as { errcode?: unknown }).errcode;
  if (errcode === 26 || /file is not a database/i.test(error.message)) {
    return "Point the tracking URI at a new file (it gets MLflow's schema) or at a database MLflow created; the file was left unchanged";
  }
  if (/unable to open database file/i.test(error.message)) {
    return "Create the file's directory first, or point the tracking URI at a file in an existing one";
  }
  return undefined;
}

/**
 * A `TraceSink` that writes into an MLflow SQLite database file, one transaction per bundle,
 * idempotent by trace id.
 *
 * @example Usage
 * ```ts
 * import { SqliteSink } from "./sqlite_sink.ts";
 * const dir = await Deno.makeTempDir();
 * const sink = await SqliteSink.open(`${dir}/mlflow.db`, { artifactRoot: `${dir}/mlruns` });
 * if (sink.schema.revision !== "d3e4f5a6b7c8") throw new Error();
 * await sink.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteSink implements TraceSink {
  /** The database's schema revision and optional parts. */
  readonly schema: MlflowSchemaInfo;
  /** The database path as given. */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #options: Resolved;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #warnedArtifacts = false;

  private constructor(path: string, db: DatabaseSync, schema: MlflowSchemaInfo, options: Resolved) {
    this.path = path;
    this.#db = db;
    this.schema = schema;
    this.#options = options;
  }

  /**
   * Opens (creating when new or empty) an MLflow SQLite database and checks its schema. The
   * file is changed (WAL journal mode) only once the check has passed.
   *
   * @param path The database file (relative to `cwd` or absolute).
   * @param options Artifact root, schema of a new file, file writer, clock, retry settings.
   * @returns The sink.
   * @throws {WorkflowError} `TRACKING_UNAVAILABLE` when the file cannot be opened, is not an
   * MLflow database, lacks a table or column we write or requires one we do not write.
   */
  static async open(path: string, options: SqliteSinkOptions = {}): Promise<SqliteSink> {
    const cwd = options.cwd ?? Deno.cwd();
    const root = options.artifactRoot ?? join(cwd, "mlruns");
    const choice = options.mlflowSchema ?? DEFAULT_MLFLOW_SCHEMA;
    if (!isMlflowSchemaChoice(choice)) {
      throw new WorkflowError(
        "TRACKING_UNAVAILABLE",
        `Cannot open MLflow database "${path}" as the schema "${choice}" for new files is not one we create: choose ${
          MLFLOW_SCHEMA_CHOICES.map((line) => `"${line}"`).join(", ")
        }`,
        { phase: "track" },
      );
    }
    const resolved: Resolved = {
      artifactRoot: root.includes("://") || isAbsolute(root) ? root : resolve(cwd, root),
      script: MLFLOW_SCHEMA_SCRIPTS[choice],
      writeFile: options.writeFile,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms))),
      random: options.random ?? Math.random,
      newRunId: options.newRunId ?? (() => crypto.randomUUID().replaceAll("-", "")),
      busyTimeoutMs: options.busyTimeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 10,
      warn: options.warn ?? (() => {}),
    };
    const file = isAbsolute(path) ? path : resolve(cwd, path);
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(file);
    } catch (error) {
      throw trackingError("open", path, error);
    }
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(resolved.busyTimeoutMs))}`);
      if (isEmpty(db)) await initialize(db, path, resolved);
      // Only reads: a file we refuse is left exactly as it was.
      const schema = checkMlflowSchema(db, path);
      await retryBusy(resolved, path, () => db.exec("PRAGMA journal_mode = WAL"));
      // In WAL mode, NORMAL syncs at checkpoints rather than at every commit: the file cannot be
      // corrupted, and only a power loss (not a crash) can undo the last commits. A commit then
      // costs a third of what it does with FULL (see bench/RESULTS.md).
      db.exec("PRAGMA synchronous = NORMAL");
      if (schema.hasSpanMetrics && schema.hasDimensionAttributes) {
        await fillUpgradedSpans(db, path, resolved);
      }
      return new SqliteSink(path, db, schema, resolved);
    } catch (error) {
      db.close();
      throw trackingError("open", path, error);
    }
  }

  /**
   * Writes a bundle in one transaction: a trace with its run, agent version, group run link,
   * assessments and artifacts, or the end of a group run. A trace already in the database, or a
   * group run that has already ended, is not written again.
   *
   * @param bundle The bundle.
   * @returns The experiment id, run id and whether it was already present.
   * @throws {WorkflowError} `TRACKING_UNAVAILABLE` when the database or an artifact cannot be
   * written; nothing is committed then.
   */
  deliver(bundle: TrackingBundle): Promise<DeliveryReceipt> {
    const result = this.#queue.then(() => this.#deliver(bundle));
    this.#queue = result.catch(() => {});
    return result;
  }

  async #deliver(bundle: TrackingBundle): Promise<DeliveryReceipt> {
    if (this.#closed) {
      throw new WorkflowError(
        "TRACKING_UNAVAILABLE",
        `Cannot write to MLflow database "${this.path}" as the sink is closed`,
        { phase: "track" },
      );
    }
    const db = this.#db;
    await retryBusy(this.#options, this.path, () => db.exec("BEGIN IMMEDIATE"));
    try {
      const receipt = await this.#write(bundle);
      if (receipt.alreadyPresent) db.exec("ROLLBACK");
      else db.exec("COMMIT");
      return receipt;
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw trackingError("write to", this.path, error);
    }
  }

  async #write(bundle: TrackingBundle): Promise<DeliveryReceipt> {
    if (isRunBundle(bundle)) return await this.#writeRunEnd(bundle);
    const db = this.#db;
    const { trace } = bundle;
    const stored = findStoredTrace(db, trace.traceId, rootSpanId(bundle));
    if (stored.kind === "delivered") return stored.receipt;
    const nowMs = this.#options.now();
    const experiment = this.#experiment(bundle.experimentName, nowMs);
    const files: ArtifactFile[] = [];
    /** Directories this delivery makes (a new run's, a new model's): removed if it fails. */
    const created: string[] = [];
    let runId: string | undefined;
    if (bundle.run) {
      runId = this.#options.newRunId();
      const artifactUri = `${experiment.artifactLocation}/${runId}/artifacts`;
      insertRun(db, bundle.run, { runId, experimentId: experiment.id, artifactUri });
      const runFiles = this.#files(artifactUri, bundle.run.artifacts);
      if (runFiles.length > 0) created.push(dirname(dirname(runFiles[0]!.path)));
      files.push(...runFiles);
    }
    if (bundle.group) {
      runId = ensureGroupRun(db, bundle.group, {
        experiment,
        user: trace.metadata["mlflow.user"] ?? "unknown",
      }).runId;
    }
    let modelId: string | undefined;
    if (bundle.agentVersion) {
      const model = ensureLoggedModel(db, bundle.agentVersion, {
        experimentId: experiment.id,
        experimentArtifactLocation: experiment.artifactLocation,
        newModelId: () => `m-${this.#options.newRunId()}`,
        nowMs,
      });
      modelId = model.modelId;
      if (model.created) {
        const artifacts = loggedModelArtifacts(bundle.agentVersion, model, nowMs);
        const modelFiles = this.#files(model.artifactLocation, artifacts);
        if (modelFiles.length > 0) created.push(dirname(dirname(modelFiles[0]!.path)));
        files.push(...modelFiles);
      }
    }
    if (stored.kind === "shared") {
      const { experimentId } = stored;
      appendToSharedTrace(db, bundle, { experimentId, runId, modelId, schema: this.schema });
    } else {
      insertTrace(db, bundle, { runId, modelId, experiment, schema: this.schema });
    }
    if (bundle.group && runId !== undefined) {
      linkTraceToRun(db, trace.traceId, runId, {
        associationId: this.#options.newRunId(),
        nowMs,
      });
    }
    if (bundle.assessments?.length) {
      insertAssessments(db, bundle.assessments, {
        traceId: trace.traceId,
        spanId: rootSpanId(bundle),
        runId: bundle.group ? runId : undefined,
      });
    }
    await this.#writeFiles(files, {
      created,
      what: bundle.run ? `run "${bundle.run.runName}"` : `trace "${trace.traceId}"`,
    });
    return { experimentId: String(experiment.id), runId, alreadyPresent: false };
  }

  /** The end of a group run: its status, params, metrics, dataset and artifacts. */
  async #writeRunEnd(bundle: RunBundle): Promise<DeliveryReceipt> {
    const nowMs = this.#options.now();
    const experiment = this.#experiment(bundle.experimentName, nowMs);
    const { row, alreadyPresent } = finishGroupRun(this.#db, bundle, {
      experiment,
      nowMs,
      newId: this.#options.newRunId,
    });
    if (!alreadyPresent) {
      await this.#writeFiles(this.#files(row.artifactUri, bundle.run.artifacts), {
        created: [],
        what: `run "${bundle.run.runName}"`,
      });
    }
    return { experimentId: String(experiment.id), runId: row.runId, alreadyPresent };
  }

  #experiment(name: string, nowMs: number): ExperimentRow {
    return findOrCreateExperiment(this.#db, name, {
      schema: this.schema,
      artifactRoot: this.#options.artifactRoot,
      nowMs,
    });
  }

  /** Absolute paths of artifacts under a local artifact URI; none (with a warning) elsewhere. */
  #files(artifactUri: string, artifacts: readonly ArtifactRecord[]): ArtifactFile[] {
    const files = localArtifactFiles(artifactUri, artifacts);
    if (files === undefined && !this.#warnedArtifacts) {
      this.#warnedArtifacts = true;
      this.#options.warn(
        `Cannot write run artifacts to "${artifactUri}" as it is not a local path: the runs are recorded without their artifact files`,
      );
    }
    return files ?? [];
  }

  /** Writes the artifacts of a delivery (see `writeArtifactFiles`). */
  async #writeFiles(
    files: readonly ArtifactFile[],
    options: { created: readonly string[]; what: string },
  ): Promise<void> {
    await writeArtifactFiles(files, { ...options, writeFile: this.#options.writeFile });
  }

  /**
   * Waits for pending deliveries and closes the database.
   *
   * @returns When closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#queue;
    this.#closed = true;
    this.#db.close();
  }
}

/** The root span of a bundle's trace (where MLflow's evaluation puts assessments). */
function rootSpanId(bundle: TraceBundle): string | undefined {
  return bundle.trace.spans.find((span) => span.parentSpanId === null)?.spanId;
}

/** Runs `fn`, retrying with exponential backoff and jitter while the database is locked. */
async function retryBusy(options: Resolved, location: string, fn: () => void): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      fn();
      return;
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (attempt >= options.maxRetries) {
        throw new WorkflowError(
          "TRACKING_UNAVAILABLE",
          `Cannot write to MLflow database "${location}" as it stayed locked after ${
            attempt + 1
          } attempts`,
          {
            phase: "track",
            cause: error,
            hint: "Another process holds a long write transaction; try again later",
          },
        );
      }
      const backoff = Math.min(1000, 25 * 2 ** attempt);
      await options.sleep(backoff / 2 + options.random() * backoff / 2);
    }
  }
}

/**
 * Fills MLflow's per-span cost rows of traces written before a newer MLflow upgraded the file
 * (see `_backfill_span_metrics.ts`). Looks first without a write lock: usually nothing is due.
 * A failure only warns.
 */
async function fillUpgradedSpans(
  db: DatabaseSync,
  location: string,
  options: Resolved,
): Promise<void> {
  try {
    if (tracesToBackfill(db, 1).length === 0) return;
    await retryBusy(options, location, () => db.exec("BEGIN IMMEDIATE"));
    backfillSpanMetrics(db, tracesToBackfill(db));
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    // Only MLflow's cost charts need these rows: never let them keep a run from being recorded.
    options.warn(
      `Cannot fill MLflow's span cost table in "${location}" for runs recorded before MLflow upgraded it as ${
        errorMessage(error)
      }: MLflow's cost charts leave them out until a later run fills it`,
    );
  }
}

/** Whether the database has no schema at all (a new or empty file). */
function isEmpty(db: DatabaseSync): boolean {
  return db.prepare("SELECT count(*) AS n FROM sqlite_master").get()?.n === 0;
}

/** Creates the chosen schema, its revision and experiment 0 in an empty database. */
async function initialize(db: DatabaseSync, location: string, options: Resolved): Promise<void> {
  await retryBusy(options, location, () => db.exec("BEGIN IMMEDIATE"));
  try {
    if (isEmpty(db)) {
      const { sql, revision } = options.script;
      db.exec(sql);
      db.prepare("INSERT INTO alembic_version (version_num) VALUES (?)").run(revision);
      const now = options.now();
      db.prepare(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (0, 'Default', ?, 'active', ?, ?)",
      ).run(`${options.artifactRoot}/0`, now, now);
    }
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
