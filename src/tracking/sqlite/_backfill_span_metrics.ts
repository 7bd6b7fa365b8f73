/**
 * MLflow's cost charts read a per-span cost table (`span_metrics`) and the model columns of
 * spans (`spans.dimension_attributes`), both added by MLflow 3.10. When a newer MLflow upgrades
 * a file we wrote at an older schema (3.9.0, the default), its migration adds them empty, so the
 * charts would leave out every run recorded before the upgrade. This fills them, the next time
 * the file is opened, from what those spans already carry (`mlflow.llm.cost`, `mlflow.llm.model`,
 * `mlflow.llm.provider`), as MLflow's own `log_spans` fills them for new spans. It touches only
 * traces that have cost metadata (`mlflow.trace.cost`), no `span_metrics` row and spans without
 * model columns: those written before the upgrade.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { dimensionAttributes, spanCostMetrics } from "./_bundle_rows.ts";

/** Traces filled per call, so that opening a large file stays quick. */
const BATCH = 500;

/**
 * The traces written before an upgrade that still lack their span cost rows.
 *
 * @param db A database that has `span_metrics` and `spans.dimension_attributes`.
 * @param limit Most trace ids to return.
 * @returns Their ids.
 */
export function tracesToBackfill(db: DatabaseSync, limit = BATCH): string[] {
  return db.prepare(
    `SELECT m.request_id AS id FROM trace_request_metadata m
     WHERE m.key = 'mlflow.trace.cost'
       AND NOT EXISTS (SELECT 1 FROM span_metrics s WHERE s.trace_id = m.request_id)
       AND EXISTS (
         SELECT 1 FROM spans p WHERE p.trace_id = m.request_id AND p.dimension_attributes IS NULL
       )
     LIMIT ?`,
  ).all(limit).map((row) => String(row.id));
}

/** The attributes of a stored span JSON, each value decoded from its JSON string. */
function storedAttributes(content: string): Record<string, unknown> {
  let span: unknown;
  try {
    span = JSON.parse(content);
  } catch {
    return {};
  }
  const raw = (span as { attributes?: unknown } | null)?.attributes;
  if (raw === null || typeof raw !== "object") return {};
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    try {
      attributes[key] = typeof value === "string" ? JSON.parse(value) : value;
    } catch {
      attributes[key] = value;
    }
  }
  return attributes;
}

/**
 * Fills `span_metrics` and `spans.dimension_attributes` of the given traces from their spans.
 *
 * @param db The database, inside a write transaction.
 * @param traceIds Traces from {@linkcode tracesToBackfill}.
 * @returns How many `span_metrics` rows were added.
 */
export function backfillSpanMetrics(db: DatabaseSync, traceIds: readonly string[]): number {
  const spans = db.prepare(
    "SELECT span_id, content FROM spans WHERE trace_id = ? AND dimension_attributes IS NULL",
  );
  const setDimensions = db.prepare(
    "UPDATE spans SET dimension_attributes = ? WHERE trace_id = ? AND span_id = ?",
  );
  const addMetric = db.prepare(
    'INSERT OR IGNORE INTO span_metrics (trace_id, span_id, "key", value) VALUES (?, ?, ?, ?)',
  );
  let added = 0;
  for (const traceId of traceIds) {
    for (const row of spans.all(traceId)) {
      const spanId = String(row.span_id);
      const attributes = storedAttributes(String(row.content));
      setDimensions.run(dimensionAttributes(attributes), traceId, spanId);
      for (const [key, value] of spanCostMetrics(attributes["mlflow.llm.cost"])) {
        added += Number(addMetric.run(traceId, spanId, key, value).changes);
      }
    }
  }
  return added;
}
