/**
 * The rows of one bundle, written the way MLflow's `SqlAlchemyStore` writes them (see the golden
 * rows in the shared MLflow notes): the experiment (found or created by name), a run with its
 * params, tags, metrics and latest metrics, and the trace with its tags, metadata, token metrics,
 * spans in stored JSON form and span cost metrics; and the lookup that finds a trace already
 * written, so a repeated delivery writes nothing (a run that shares the trace of another is
 * appended by `_shared_trace_rows.ts`). Runs inside the caller's transaction. The
 * group runs, agent versions and assessments of a bundle have files of their own
 * (`_group_run_rows.ts`, `_logged_model_rows.ts`, `_assessment_rows.ts`).
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { WorkflowError } from "../../errors.ts";
import { pythonJsonDumps } from "../python_json.ts";
import { storedSpanJson } from "../stored_span_json.ts";
import { aggregateTokenUsage } from "../_trace_record.ts";
import {
  type DeliveryReceipt,
  MODEL_ID_METADATA,
  type RunRecord,
  SOURCE_RUN_METADATA,
  type SpanRecord,
  type TraceBundle,
} from "../trace_bundle.ts";
import type { MlflowSchemaInfo } from "./schema_check.ts";

/** An experiment row, as far as we need it. */
export interface ExperimentRow {
  /** Experiment id. */
  id: number;
  /** Where its artifacts go. */
  artifactLocation: string;
}

/** The largest double; MLflow stores `±Infinity` metrics as `±` this. */
const MAX_DOUBLE = 1.7976931348623157e308;
const DEFAULT_WORKSPACE = "default";

/** Prepared statements of each open database, by SQL text. */
const statements = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/**
 * The prepared statement of `sql` on `db`, prepared once per connection (preparing costs more
 * than running a small insert).
 *
 * @param db An open database.
 * @param sql The statement's text.
 * @returns The prepared statement.
 */
export function statement(db: DatabaseSync, sql: string): StatementSync {
  let cache = statements.get(db);
  if (cache === undefined) {
    cache = new Map();
    statements.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (prepared === undefined) {
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}

/**
 * Inserts one row.
 *
 * @param db An open database.
 * @param table The table.
 * @param row Values by column.
 */
export function insert(db: DatabaseSync, table: string, row: Record<string, SQLInputValue>): void {
  const columns = Object.keys(row);
  const sql = `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${
    columns.map(() => "?").join(", ")
  })`;
  statement(db, sql).run(...Object.values(row));
}

/** Where a trace stands in the database before a delivery. */
export type StoredTraceState =
  /** Not there: insert it. */
  | { kind: "absent" }
  /** There with this delivery's root span: a repeated delivery, write nothing. */
  | { kind: "delivered"; receipt: DeliveryReceipt }
  /**
   * There without this delivery's root span: another run under the same foreign parent
   * (`traceparent`) recorded it first; append this run's spans to it.
   */
  | { kind: "shared"; experimentId: number };

/**
 * Finds a trace already in the database. A trace is this delivery's when it holds the
 * delivery's root span: runs nested under one foreign parent share the parent's trace id, and
 * each adds its own spans to that trace, as MLflow's own span logging does.
 *
 * @param db The database, inside a write transaction.
 * @param traceId The trace id (`tr-...`).
 * @param rootSpanId The delivery's root span (`undefined` when it has none).
 * @returns Absent, delivered (with its experiment and run) or shared.
 */
export function findStoredTrace(
  db: DatabaseSync,
  traceId: string,
  rootSpanId: string | undefined,
): StoredTraceState {
  const existing = statement(db, "SELECT experiment_id FROM trace_info WHERE request_id = ?")
    .get(traceId);
  if (existing === undefined) return { kind: "absent" };
  const ownRoot = rootSpanId === undefined || statement(
        db,
        "SELECT 1 AS found FROM spans WHERE trace_id = ? AND span_id = ?",
      ).get(traceId, rootSpanId) !== undefined;
  if (!ownRoot) return { kind: "shared", experimentId: Number(existing.experiment_id) };
  const source = statement(
    db,
    "SELECT value FROM trace_request_metadata WHERE request_id = ? AND key = ?",
  ).get(traceId, SOURCE_RUN_METADATA);
  return {
    kind: "delivered",
    receipt: {
      experimentId: String(existing.experiment_id),
      runId: String(source?.value ?? ""),
      alreadyPresent: true,
    },
  };
}

/**
 * Finds the experiment of this name, or creates it with the next id, lifecycle `active` and
 * artifact location `<artifact root>/<id>`.
 *
 * @param db The database, inside a write transaction.
 * @param name Experiment name.
 * @param options Schema features, artifact root and clock.
 * @returns The experiment.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` when the experiment exists but is deleted.
 */
export function findOrCreateExperiment(
  db: DatabaseSync,
  name: string,
  options: { schema: MlflowSchemaInfo; artifactRoot: string; nowMs: number },
): ExperimentRow {
  const { schema, artifactRoot, nowMs } = options;
  const found = statement(
    db,
    `SELECT experiment_id, artifact_location, lifecycle_stage FROM experiments WHERE name = ?${
      schema.hasWorkspace ? " AND workspace = ?" : ""
    }`,
  ).get(...(schema.hasWorkspace ? [name, DEFAULT_WORKSPACE] : [name]));
  if (found !== undefined) {
    if (found.lifecycle_stage === "deleted") {
      throw new WorkflowError(
        "TRACKING_UNAVAILABLE",
        `Cannot record runs in experiment "${name}" as it is deleted`,
        {
          phase: "track",
          hint: `Restore it with \`mlflow experiments restore\`, or choose another experiment_name`,
        },
      );
    }
    return {
      id: Number(found.experiment_id),
      artifactLocation: String(found.artifact_location ?? `${artifactRoot}/${found.experiment_id}`),
    };
  }
  const next = statement(db, "SELECT COALESCE(MAX(experiment_id), -1) + 1 AS id FROM experiments")
    .get();
  const id = Number(next?.id ?? 0);
  const row: Record<string, SQLInputValue> = {
    experiment_id: id,
    name,
    artifact_location: `${artifactRoot}/${id}`,
    lifecycle_stage: "active",
    creation_time: nowMs,
    last_update_time: nowMs,
  };
  if (schema.hasWorkspace) row.workspace = DEFAULT_WORKSPACE;
  insert(db, "experiments", row);
  return { id, artifactLocation: `${artifactRoot}/${id}` };
}

/**
 * MLflow's stored form of a metric value: `[value, is_nan]`.
 *
 * @param value A metric value (NaN and infinities included).
 * @returns The stored value and the NaN flag.
 */
export function metricValue(value: unknown): [number, number] {
  if (typeof value !== "number" || Number.isNaN(value)) return [0, 1];
  if (value === Infinity) return [MAX_DOUBLE, 0];
  if (value === -Infinity) return [-MAX_DOUBLE, 0];
  return [value, 0];
}

/**
 * Writes an MLflow run: `runs`, `tags`, `params`, `metrics`, `latest_metrics`.
 *
 * @param db The database, inside a write transaction.
 * @param run The run.
 * @param options The run id, its experiment and artifact URI.
 */
export function insertRun(
  db: DatabaseSync,
  run: RunRecord,
  options: { runId: string; experimentId: number; artifactUri: string },
): void {
  const { runId, experimentId, artifactUri } = options;
  insert(db, "runs", {
    run_uuid: runId,
    name: run.runName,
    source_type: "UNKNOWN",
    source_name: "",
    entry_point_name: "",
    user_id: run.tags["mlflow.user"] ?? "unknown",
    status: run.status,
    start_time: run.startTimeMs,
    end_time: run.endTimeMs,
    source_version: "",
    lifecycle_stage: "active",
    artifact_uri: artifactUri,
    experiment_id: experimentId,
    deleted_time: null,
  });
  const tags = { ...run.tags, "mlflow.runName": run.tags["mlflow.runName"] ?? run.runName };
  for (const [key, value] of Object.entries(tags)) {
    insert(db, "tags", { key, value, run_uuid: runId });
  }
  for (const [key, value] of Object.entries(run.params)) {
    insert(db, "params", { key, value, run_uuid: runId });
  }
  insertMetrics(db, runId, run.metrics, run.endTimeMs);
}

/**
 * Logs metrics of a run at step 0: `metrics` and `latest_metrics` (a later value replaces the
 * latest one).
 *
 * @param db The database, inside a write transaction.
 * @param runId The run.
 * @param metrics Values by key (NaN and infinities as MLflow stores them).
 * @param timestamp Milliseconds since the epoch.
 */
export function insertMetrics(
  db: DatabaseSync,
  runId: string,
  metrics: Readonly<Record<string, number>>,
  timestamp: number,
): void {
  for (const [key, raw] of Object.entries(metrics)) {
    const [value, isNan] = metricValue(raw);
    const row = { key, value, timestamp, step: 0, is_nan: isNan, run_uuid: runId };
    insert(db, "metrics", row);
    statement(db, "DELETE FROM latest_metrics WHERE run_uuid = ? AND key = ?").run(runId, key);
    insert(db, "latest_metrics", row);
  }
}

/** The stored span JSON needs `mlflow.traceRequestId`; bundles from elsewhere may lack it. */
function withRequestId(span: SpanRecord, traceId: string): SpanRecord {
  if (span.attributes["mlflow.traceRequestId"] !== undefined) return span;
  return { ...span, attributes: { "mlflow.traceRequestId": traceId, ...span.attributes } };
}

/**
 * `spans.dimension_attributes` (3.10+), as MLflow writes it: the model and provider of an LLM
 * span, else JSON `null`.
 *
 * @param attributes The span's attributes (decoded values).
 * @returns The column's JSON text.
 */
export function dimensionAttributes(attributes: Readonly<Record<string, unknown>>): string {
  const dimensions: Record<string, string> = {};
  for (const key of ["mlflow.llm.model", "mlflow.llm.provider"]) {
    const value = attributes[key];
    if (typeof value === "string") dimensions[key] = value;
  }
  return pythonJsonDumps(Object.keys(dimensions).length > 0 ? dimensions : null);
}

/**
 * The `span_metrics` rows (3.10+) of a span's `mlflow.llm.cost`: its finite input, output and
 * total cost.
 *
 * @param cost The attribute's value (an object, or anything else for none).
 * @returns `[key, value]` pairs.
 */
export function spanCostMetrics(cost: unknown): [string, number][] {
  if (cost === null || typeof cost !== "object") return [];
  const metrics: [string, number][] = [];
  for (const key of ["input_cost", "output_cost", "total_cost"]) {
    const value = (cost as Record<string, unknown>)[key];
    if (typeof value === "number" && Number.isFinite(value)) metrics.push([key, value]);
  }
  return metrics;
}

/**
 * Writes the trace of a bundle: `trace_info`, `trace_tags` (plus `mlflow.artifactLocation` and
 * `mlflow.trace.spansLocation`), `trace_request_metadata` (plus `mlflow.sourceRun` and
 * `mlflow.modelId` when the trace has a run and a version), `trace_metrics`, `spans` and, where
 * the table exists, `span_metrics`.
 *
 * @param db The database, inside a write transaction.
 * @param bundle The bundle.
 * @param options The run id and the model id (when there are), the experiment and the schema
 * features.
 */
export function insertTrace(
  db: DatabaseSync,
  bundle: TraceBundle,
  options: {
    runId: string | undefined;
    modelId?: string | undefined;
    experiment: ExperimentRow;
    schema: MlflowSchemaInfo;
  },
): void {
  const { trace } = bundle;
  const { runId, modelId, experiment, schema } = options;
  const traceId = trace.traceId;
  insert(db, "trace_info", {
    request_id: traceId,
    experiment_id: experiment.id,
    timestamp_ms: trace.requestTimeMs,
    execution_time_ms: trace.executionTimeMs,
    status: trace.state,
    client_request_id: null,
    request_preview: trace.requestPreview,
    response_preview: trace.responsePreview,
  });
  const tags: Record<string, string> = {
    ...trace.tags,
    "mlflow.artifactLocation": `${experiment.artifactLocation}/traces/${traceId}/artifacts`,
    "mlflow.trace.spansLocation": "TRACKING_STORE",
  };
  for (const [key, value] of Object.entries(tags)) {
    insert(db, "trace_tags", { key, value, request_id: traceId });
  }
  const usage = aggregateTokenUsage(trace.spans);
  const metadata: Record<string, string> = { ...trace.metadata };
  if (runId !== undefined) metadata[SOURCE_RUN_METADATA] = runId;
  if (modelId !== undefined) metadata[MODEL_ID_METADATA] = modelId;
  if (usage !== undefined && metadata["mlflow.trace.tokenUsage"] === undefined) {
    metadata["mlflow.trace.tokenUsage"] = pythonJsonDumps(usage);
  }
  for (const [key, value] of Object.entries(metadata)) {
    insert(db, "trace_request_metadata", { key, value, request_id: traceId });
  }
  if (usage !== undefined) {
    for (const key of ["input_tokens", "output_tokens", "total_tokens"] as const) {
      insert(db, "trace_metrics", { request_id: traceId, key, value: usage[key] });
    }
  }
  insertSpans(db, traceId, experiment.id, trace.spans, schema);
}

/**
 * Inserts the spans of a trace, in MLflow's stored JSON form, with their cost metrics where the
 * schema has `span_metrics`.
 *
 * @param db The database, inside a write transaction.
 * @param traceId The trace (`tr-...`).
 * @param experimentId The trace's experiment.
 * @param spans The spans.
 * @param schema Schema features.
 */
export function insertSpans(
  db: DatabaseSync,
  traceId: string,
  experimentId: number,
  spans: readonly SpanRecord[],
  schema: MlflowSchemaInfo,
): void {
  for (const record of spans) {
    const span = withRequestId(record, traceId);
    const type = span.attributes["mlflow.spanType"];
    const row: Record<string, SQLInputValue> = {
      trace_id: traceId,
      experiment_id: experimentId,
      span_id: span.spanId,
      parent_span_id: span.parentSpanId,
      name: span.name,
      type: typeof type === "string" ? type : null,
      status: span.status.code,
      start_time_unix_nano: span.startTimeUnixNano,
      end_time_unix_nano: span.endTimeUnixNano,
      content: storedSpanJson(span),
    };
    if (schema.hasDimensionAttributes) {
      row.dimension_attributes = dimensionAttributes(span.attributes);
    }
    insert(db, "spans", row);
    if (!schema.hasSpanMetrics) continue;
    for (const [key, value] of spanCostMetrics(span.attributes["mlflow.llm.cost"])) {
      insert(db, "span_metrics", { trace_id: traceId, span_id: span.spanId, key, value });
    }
  }
}
