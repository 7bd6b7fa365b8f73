/**
 * A run that shares its trace with runs recorded before it: runs started under one foreign
 * parent (`traceparent`) carry the parent's trace id, so the second and later ones add their
 * spans to the trace the first one wrote, as MLflow's own span logging merges spans of one
 * trace. The trace then spans every run: its time range covers them all, it is `ERROR` when any
 * of them failed, and its token usage and cost are their sums; the first run's previews, tags
 * and metadata stay, and a later run adds only the keys the trace lacks.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { pythonJsonDumps } from "../python_json.ts";
import { aggregateTokenUsage } from "../_trace_record.ts";
import { MODEL_ID_METADATA, SOURCE_RUN_METADATA, type TraceBundle } from "../trace_bundle.ts";
import { insertSpans, statement } from "./_bundle_rows.ts";
import type { MlflowSchemaInfo } from "./schema_check.ts";

const TOKEN_USAGE = "mlflow.trace.tokenUsage";
const COST = "mlflow.trace.cost";
const TOKEN_KEYS = ["input_tokens", "output_tokens", "total_tokens"] as const;
const COST_KEYS = ["input_cost", "output_cost", "total_cost"] as const;

/**
 * Appends one run's spans to a trace already in the database and merges its trace info.
 *
 * @param db The database, inside a write transaction.
 * @param bundle The run's trace.
 * @param options The trace's experiment (the one it was first written to), the run's MLflow
 * run and agent version, and the schema's features.
 */
export function appendToSharedTrace(
  db: DatabaseSync,
  bundle: TraceBundle,
  options: {
    experimentId: number;
    runId: string | undefined;
    modelId: string | undefined;
    schema: MlflowSchemaInfo;
  },
): void {
  const { trace } = bundle;
  const traceId = trace.traceId;
  insertSpans(db, traceId, options.experimentId, trace.spans, options.schema);
  const endMs = trace.requestTimeMs + trace.executionTimeMs;
  // SQLite evaluates every right-hand side on the row as it was before the update.
  statement(
    db,
    "UPDATE trace_info SET timestamp_ms = min(timestamp_ms, ?), " +
      "execution_time_ms = max(timestamp_ms + coalesce(execution_time_ms, 0), ?) - " +
      "min(timestamp_ms, ?), status = CASE WHEN ? = 'ERROR' THEN 'ERROR' ELSE status END " +
      "WHERE request_id = ?",
  ).run(trace.requestTimeMs, endMs, trace.requestTimeMs, trace.state, traceId);

  const stored = storedMetadata(db, traceId);
  const usage = aggregateTokenUsage(trace.spans);
  if (usage !== undefined) {
    const total = addUp(TOKEN_KEYS, parseNumbers(stored.get(TOKEN_USAGE)), usage);
    upsertMetadata(db, traceId, TOKEN_USAGE, pythonJsonDumps(total));
    for (const key of TOKEN_KEYS) {
      statement(db, "DELETE FROM trace_metrics WHERE request_id = ? AND key = ?").run(traceId, key);
      statement(db, "INSERT INTO trace_metrics (request_id, key, value) VALUES (?, ?, ?)")
        .run(traceId, key, total[key]);
    }
  }
  const cost = parseNumbers(trace.metadata[COST]);
  if (cost !== undefined) {
    upsertMetadata(
      db,
      traceId,
      COST,
      pythonJsonDumps(addUp(COST_KEYS, parseNumbers(stored.get(COST)), cost)),
    );
  }
  const metadata: Record<string, string> = { ...trace.metadata };
  if (options.runId !== undefined) metadata[SOURCE_RUN_METADATA] = options.runId;
  if (options.modelId !== undefined) metadata[MODEL_ID_METADATA] = options.modelId;
  for (const [key, value] of Object.entries(metadata)) {
    if (key === TOKEN_USAGE || key === COST) continue;
    statement(
      db,
      "INSERT OR IGNORE INTO trace_request_metadata (key, value, request_id) VALUES (?, ?, ?)",
    ).run(key, value, traceId);
  }
  for (const [key, value] of Object.entries(trace.tags)) {
    statement(db, "INSERT OR IGNORE INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)")
      .run(key, value, traceId);
  }
}

/** The trace's metadata as stored. */
function storedMetadata(db: DatabaseSync, traceId: string): Map<string, string> {
  const rows = statement(db, "SELECT key, value FROM trace_request_metadata WHERE request_id = ?")
    .all(traceId);
  return new Map(rows.map((row) => [String(row.key), String(row.value)]));
}

function upsertMetadata(db: DatabaseSync, traceId: string, key: string, value: string): void {
  statement(db, "DELETE FROM trace_request_metadata WHERE request_id = ? AND key = ?")
    .run(traceId, key);
  statement(db, "INSERT INTO trace_request_metadata (key, value, request_id) VALUES (?, ?, ?)")
    .run(key, value, traceId);
}

/** A JSON object of numbers (token usage, cost), or `undefined` when absent or not one. */
function parseNumbers(json: string | undefined): Record<string, number> | undefined {
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    return Object.fromEntries(
      Object.entries(value).filter((entry): entry is [string, number] =>
        typeof entry[1] === "number"
      ),
    );
  } catch {
    return undefined;
  }
}

/** The sums of `keys` over two records (a missing record or key counts as 0). */
function addUp<K extends string>(
  keys: readonly K[],
  stored: Record<string, number> | undefined,
  added: Partial<Record<string, number>>,
): Record<K, number> {
  return Object.fromEntries(
    keys.map((key) => [key, (stored?.[key] ?? 0) + (added[key] ?? 0)]),
  ) as Record<K, number>;
}
