/**
 * Reads runs and traces straight from an MLflow SQLite database (`sqlite:///mlflow.db`), read
 * only, with `node:sqlite`. Works on files made by MLflow 3.9, 3.10 and 3.11 and by this
 * toolkit: it reads only tables and columns all of them have.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { errorMessage, WorkflowError } from "../../errors.ts";
import { decodeStoredSpan } from "./_span_decoding.ts";
import type {
  RunQuery,
  StoredAssessment,
  StoredExperiment,
  StoredRun,
  StoredTrace,
  StoredTraceInfo,
  TraceQuery,
  TrackingReader,
} from "./tracking_reader.ts";
import { SOURCE_RUN_METADATA, WORKFLOW_TAG } from "./tracking_reader.ts";

/** Tables a tracking database must have to be read. */
const REQUIRED_TABLES = [
  "experiments",
  "runs",
  "params",
  "latest_metrics",
  "tags",
  "trace_info",
  "trace_tags",
  "trace_request_metadata",
  "spans",
];

/** SQLite allows 32766 variables; stay far below. */
const CHUNK = 500;

type Row = Record<string, SQLInputValue>;

/**
 * Opens an MLflow SQLite database for reading. The file is opened read only (it needs only
 * `--allow-read`); a database in WAL mode still gets its `-wal`/`-shm` companions from SQLite.
 *
 * @example Usage
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { openSqliteReader } from "./sqlite_reader.ts";
 * const path = await Deno.makeTempFile({ suffix: ".db" });
 * const db = new DatabaseSync(path);
 * for (const table of ["experiments", "runs", "params", "latest_metrics", "tags", "trace_info",
 *   "trace_tags", "trace_request_metadata", "spans"]) db.exec(`CREATE TABLE ${table} (x)`);
 * db.close();
 * const reader = openSqliteReader(path);
 * if (reader.location !== `sqlite:///${path}`) throw new Error();
 * await reader.close();
 * await Deno.remove(path);
 * ```
 *
 * @param path Path of the database file.
 * @returns A reader; close it when done.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` when the file cannot be opened or is not an
 * MLflow database.
 */
export function openSqliteReader(path: string): TrackingReader {
  let db: DatabaseSync | undefined;
  let present: Set<string>;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    db.exec("PRAGMA busy_timeout = 5000");
    present = new Set(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
        .map((row) => String(row.name)),
    );
  } catch (cause) {
    db?.close();
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot open "${path}" as an SQLite database: ${errorMessage(cause)}`,
      { phase: "track", cause },
    );
  }
  const missing = REQUIRED_TABLES.filter((table) => !present.has(table));
  if (missing.length > 0) {
    db.close();
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot read "${path}" as it is not an MLflow tracking database: table ${
        missing.map((t) => `"${t}"`).join(", ")
      } is missing`,
      { phase: "track", hint: "Point --tracking-uri at a database made by MLflow or this tool" },
    );
  }
  return new SqliteReader(db, path);
}

class SqliteReader implements TrackingReader {
  readonly location: string;
  #db: DatabaseSync;

  constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.location = `sqlite:///${path}`;
  }

  listExperiments(): Promise<StoredExperiment[]> {
    const rows = this.#all(
      "SELECT experiment_id, name FROM experiments WHERE lifecycle_stage = 'active' " +
        "ORDER BY experiment_id",
    );
    return Promise.resolve(
      rows.map((row) => ({ experimentId: String(row.experiment_id), name: String(row.name) })),
    );
  }

  readRuns(query: RunQuery): Promise<StoredRun[]> {
    const where = [
      "r.lifecycle_stage = 'active'",
      "EXISTS (SELECT 1 FROM params p WHERE p.run_uuid = r.run_uuid AND p.key = 'workflow_name'" +
      (query.workflow === undefined ? ")" : " AND p.value = ?)"),
    ];
    const args: SQLInputValue[] = query.workflow === undefined ? [] : [query.workflow];
    if (query.startedFromMs !== undefined) {
      where.push("r.start_time >= ?");
      args.push(query.startedFromMs);
    }
    if (query.startedBeforeMs !== undefined) {
      where.push("r.start_time < ?");
      args.push(query.startedBeforeMs);
    }
    for (
      const [column, values] of [
        ["r.experiment_id", query.experimentIds?.map(Number)],
        ["r.status", query.statuses],
        ["r.run_uuid", query.runIds],
      ] as const
    ) {
      if (values === undefined) continue;
      where.push(`${column} IN (${values.map(() => "?").join(", ") || "NULL"})`);
      args.push(...values);
    }
    const rows = this.#all(
      "SELECT r.run_uuid, r.name, r.experiment_id, r.status, r.start_time, r.end_time " +
        `FROM runs r WHERE ${where.join(" AND ")} ORDER BY r.start_time DESC, r.run_uuid`,
      args,
    );
    const runs = new Map<string, StoredRun>();
    for (const row of rows) {
      const runId = String(row.run_uuid);
      runs.set(runId, {
        runId,
        runName: row.name === null ? "" : String(row.name),
        experimentId: String(row.experiment_id),
        status: String(row.status),
        startTimeMs: Number(row.start_time),
        endTimeMs: row.end_time === null ? undefined : Number(row.end_time),
        params: {},
        metrics: {},
        tags: {},
      });
    }
    const ids = [...runs.keys()];
    for (const table of ["params", "tags"] as const) {
      for (const row of this.#allIn(`SELECT run_uuid, key, value FROM ${table}`, "run_uuid", ids)) {
        const run = runs.get(String(row.run_uuid));
        if (run) run[table][String(row.key)] = String(row.value);
      }
    }
    const metricRows = this.#allIn(
      "SELECT run_uuid, key, value, is_nan FROM latest_metrics",
      "run_uuid",
      ids,
    );
    for (const row of metricRows) {
      const run = runs.get(String(row.run_uuid));
      if (run) run.metrics[String(row.key)] = Number(row.is_nan) ? NaN : Number(row.value ?? NaN);
    }
    return Promise.resolve([...runs.values()]);
  }

  readTraceInfos(query: TraceQuery): Promise<StoredTraceInfo[]> {
    // Every condition is index-friendly: experiment and request time use the trace_info index
    // (experiment_id, timestamp_ms); tags and metadata their primary keys (key, request_id).
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (query.experimentIds !== undefined) {
      where.push(
        `t.experiment_id IN (${query.experimentIds.map(() => "?").join(", ") || "NULL"})`,
      );
      args.push(...query.experimentIds.map(Number));
    }
    if (query.startedFromMs !== undefined) {
      where.push("t.timestamp_ms >= ?");
      args.push(Math.floor(query.startedFromMs));
    }
    if (query.startedBeforeMs !== undefined) {
      where.push("t.timestamp_ms < ?");
      args.push(Math.ceil(query.startedBeforeMs));
    }
    if (query.states !== undefined) {
      where.push(`t.status IN (${query.states.map(() => "?").join(", ") || "NULL"})`);
      args.push(...query.states);
    }
    if (query.runId !== undefined) {
      where.push(
        "EXISTS (SELECT 1 FROM trace_request_metadata m WHERE m.request_id = t.request_id " +
          "AND m.key = ? AND m.value = ?)",
      );
      args.push(SOURCE_RUN_METADATA, query.runId);
    }
    if (query.workflowsOnly || query.workflow !== undefined) {
      where.push(
        "EXISTS (SELECT 1 FROM trace_tags g WHERE g.request_id = t.request_id AND g.key = ?" +
          (query.workflow === undefined ? ")" : " AND g.value = ?)"),
      );
      args.push(WORKFLOW_TAG, ...(query.workflow === undefined ? [] : [query.workflow]));
    }
    if (query.limit !== undefined) args.push(Math.max(0, Math.floor(query.limit)));
    const rows = this.#all(
      "SELECT t.request_id, t.experiment_id, t.timestamp_ms, t.execution_time_ms, t.status, " +
        "t.request_preview, t.response_preview FROM trace_info t" +
        (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
        " ORDER BY t.timestamp_ms DESC, t.request_id" +
        (query.limit === undefined ? "" : " LIMIT ?"),
      args,
    );
    return Promise.resolve(this.#withMetadataAndTags(rows));
  }

  readTrace(traceId: string): Promise<StoredTrace | undefined> {
    const rows = this.#all(
      "SELECT request_id, experiment_id, timestamp_ms, execution_time_ms, status, " +
        "request_preview, response_preview FROM trace_info WHERE request_id = ?",
      [traceId],
    );
    const [info] = this.#withMetadataAndTags(rows);
    if (!info) return Promise.resolve(undefined);
    const spanRows = this.#all(
      "SELECT span_id, start_time_unix_nano, end_time_unix_nano, content FROM spans " +
        "WHERE trace_id = ? ORDER BY start_time_unix_nano, span_id",
      [traceId],
    );
    const spans = spanRows.flatMap((row) => {
      const span = decodeStoredSpan(String(row.content), {
        startTimeUnixNano: toBigInt(row.start_time_unix_nano),
        endTimeUnixNano: toBigInt(row.end_time_unix_nano),
      });
      return span ? [span] : [];
    });
    return Promise.resolve({ ...info, spans });
  }

  readAssessments(traceIds: readonly string[]): Promise<StoredAssessment[]> {
    const table = this.#all(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'assessments'",
    );
    if (table.length === 0) return Promise.resolve([]);
    const rows = this.#allIn(
      "SELECT trace_id, name, assessment_type, value, error, valid FROM assessments",
      "trace_id",
      traceIds,
    ).filter((row) => Number(row.valid) === 1);
    return Promise.resolve(rows.map((row): StoredAssessment => {
      const error = row.error === null || row.error === undefined
        ? undefined
        : parseJson(String(row.error));
      return {
        traceId: String(row.trace_id),
        name: String(row.name),
        kind: row.assessment_type === "expectation" ? "expectation" : "feedback",
        value: row.value === null || row.value === undefined ? null : parseJson(String(row.value)),
        ...(error === undefined ? {} : {
          error: typeof error === "object" && error !== null && "error_message" in error
            ? String(error.error_message)
            : String(error),
        }),
      };
    }));
  }

  close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }

  #withMetadataAndTags(rows: Row[]): StoredTraceInfo[] {
    const traces = new Map<string, StoredTraceInfo>();
    for (const row of rows) {
      const traceId = String(row.request_id);
      traces.set(traceId, {
        traceId,
        experimentId: String(row.experiment_id),
        requestTimeMs: Number(row.timestamp_ms),
        executionTimeMs: Number(row.execution_time_ms ?? 0),
        state: String(row.status),
        requestPreview: row.request_preview === null ? "" : String(row.request_preview),
        responsePreview: row.response_preview === null ? "" : String(row.response_preview),
        metadata: {},
        tags: {},
      });
    }
    const ids = [...traces.keys()];
    for (
      const [table, field] of [
        ["trace_request_metadata", "metadata"],
        ["trace_tags", "tags"],
      ] as const
    ) {
      for (
        const row of this.#allIn(`SELECT request_id, key, value FROM ${table}`, "request_id", ids)
      ) {
        const trace = traces.get(String(row.request_id));
        if (trace) trace[field][String(row.key)] = String(row.value ?? "");
      }
    }
    return [...traces.values()];
  }

  #all(sql: string, args: readonly SQLInputValue[] = []): Row[] {
    const statement: StatementSync = this.#db.prepare(sql);
    statement.setReadBigInts(true);
    return statement.all(...args).map((row) => {
      const plain: Row = {};
      for (const [key, value] of Object.entries(row)) {
        plain[key] = typeof value === "bigint" && key !== "start_time_unix_nano" &&
            key !== "end_time_unix_nano"
          ? Number(value)
          : value;
      }
      return plain;
    });
  }

  #allIn(select: string, column: string, ids: readonly string[]): Row[] {
    const rows: Row[] = [];
    for (let start = 0; start < ids.length; start += CHUNK) {
      const chunk = ids.slice(start, start + CHUNK);
      rows.push(
        ...this.#all(`${select} WHERE ${column} IN (${chunk.map(() => "?").join(", ")})`, chunk),
      );
    }
    return rows;
  }
}

function toBigInt(value: SQLInputValue | undefined): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isFinite(value)) return BigInt(Math.trunc(value));
  return undefined;
}

/** A stored JSON text, decoded; the text itself when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
