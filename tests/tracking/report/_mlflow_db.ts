/**
 * Builds MLflow SQLite files for the report tests: the complete schema of one MLflow release
 * (tests/fixtures/mlflow/*.sql), its alembic revision and experiment 0, then runs and traces
 * inserted as the tracker writes them with `run_per_execution` (one MLflow run per execution,
 * its trace tagged with its workflow and cost), with the row shapes of golden-trace-rows.json (span JSON as `Span.to_dict()` writes
 * it: base64 ids, every attribute value a JSON string; NaN metrics as value 0 with is_nan 1).
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";

/** The MLflow releases whose schemas the tests use, with their alembic revisions. */
export const MLFLOW_SCHEMAS = {
  "3.9.0": "d3e4f5a6b7c8",
  "3.10": "1b5f0d9ad7c1",
  "3.11.1": "c3d6457b6d8a",
} as const;

/** A release of {@linkcode MLFLOW_SCHEMAS}. */
export type MlflowRelease = keyof typeof MLFLOW_SCHEMAS;

/** One LLM call of a fake run. */
export interface CallSpec {
  provider: string;
  model: string;
  input: number;
  output: number;
  /** USD; `undefined` means the model had no price. */
  cost: number | undefined;
}

/** One node execution of a fake run. */
export interface NodeSpec {
  id: string;
  calls: CallSpec[];
  /** An exception raised in the node. */
  error?: string;
  /** Adds a TOOL span under the node. */
  tool?: string;
}

/** A fake run and its trace. */
export interface RunSpec {
  experimentId: number;
  workflow: string;
  startTimeMs: number;
  durationMs: number;
  status: "FINISHED" | "FAILED" | "KILLED";
  nodes: NodeSpec[];
  /** Write the `configurable_agents.trace_id` run tag (default true). */
  traceTag?: boolean;
  /** Write no trace at all. */
  noTrace?: boolean;
}

/** What a run became. */
export interface InsertedRun {
  runId: string;
  traceId: string;
  metrics: Record<string, number>;
}

const ROOT = new URL("../../fixtures/mlflow/", import.meta.url);

/**
 * Creates an MLflow database file with the schema of `release`.
 *
 * @param release MLflow release.
 * @param path The file to create.
 * @returns The open database.
 */
export async function createMlflowDb(release: MlflowRelease, path: string): Promise<DatabaseSync> {
  const sql = await Deno.readTextFile(new URL(`mlflow-${release}.sql`, ROOT));
  const db = new DatabaseSync(path);
  // Test files need no durability; one fsync per insert makes the tests slow.
  db.exec("PRAGMA synchronous = OFF");
  db.exec(sql);
  db.prepare("INSERT INTO alembic_version (version_num) VALUES (?)").run(MLFLOW_SCHEMAS[release]);
  addExperiment(db, 0, "Default");
  return db;
}

/**
 * Adds an active experiment.
 *
 * @param db The database.
 * @param id Experiment id.
 * @param name Experiment name.
 */
export function addExperiment(db: DatabaseSync, id: number, name: string): void {
  db.prepare(
    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, " +
      "creation_time, last_update_time) VALUES (?, ?, ?, 'active', 0, 0)",
  ).run(id, name, `/home/user/project/mlruns/${id}`);
}

let counter = 0;

function hexId(bytes: number): string {
  counter += 1;
  return counter.toString(16).padStart(bytes * 2, "a");
}

function base64OfHex(hex: string): string {
  return btoa(String.fromCharCode(...hex.match(/../g)!.map((byte) => parseInt(byte, 16))));
}

/**
 * Inserts a run, its params, metrics and tags, and its trace with spans, as the tracker would.
 *
 * @param db The database.
 * @param spec The run.
 * @returns Ids and the metrics written.
 */
export function insertRun(db: DatabaseSync, spec: RunSpec): InsertedRun {
  const runId = hexId(16);
  const otelTraceId = hexId(16);
  const traceId = `tr-${otelTraceId}`;
  const calls = spec.nodes.flatMap((node) => node.calls);
  const sum = (pick: (call: CallSpec) => number) => calls.reduce((a, c) => a + pick(c), 0);
  const unpriced = [
    ...new Set(calls.filter((c) => c.cost === undefined).map((c) => `${c.provider}/${c.model}`)),
  ];
  const metrics: Record<string, number> = {
    total_input_tokens: sum((c) => c.input),
    total_output_tokens: sum((c) => c.output),
    total_tokens: sum((c) => c.input + c.output),
    total_cost_usd: unpriced.length ? NaN : sum((c) => c.cost ?? 0),
    duration_seconds: spec.durationMs / 1000,
    node_count: spec.nodes.length,
    status: spec.status === "FINISHED" ? 1 : 0,
  };
  const nodeMs = Math.floor(spec.durationMs / Math.max(1, spec.nodes.length + 1));
  for (const node of spec.nodes) {
    const nodeCalls = node.calls;
    metrics[`node_${node.id}_cost_usd`] = nodeCalls.some((c) => c.cost === undefined)
      ? NaN
      : nodeCalls.reduce((a, c) => a + (c.cost ?? 0), 0);
    metrics[`node_${node.id}_duration_ms`] = nodeMs;
  }
  const endTime = spec.startTimeMs + spec.durationMs;
  db.prepare(
    "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, " +
      "status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, " +
      "experiment_id, deleted_time) VALUES (?, ?, 'UNKNOWN', '', '', 'root', ?, ?, ?, '', " +
      "'active', ?, ?, NULL)",
  ).run(
    runId,
    `${spec.workflow}-run`,
    spec.status,
    spec.startTimeMs,
    endTime,
    `/home/user/project/mlruns/${spec.experimentId}/${runId}/artifacts`,
    spec.experimentId,
  );
  const first = spec.nodes[0]?.calls[0];
  const params: Record<string, string> = {
    workflow_name: spec.workflow,
    workflow_version: "1.0.0",
    provider: first?.provider ?? "openai",
    model: first?.model ?? "gpt-4o-mini",
    schema_version: "1.0",
  };
  const tags: Record<string, string> = {
    "mlflow.user": "root",
    "mlflow.source.name": "cli.ts",
    "mlflow.source.type": "LOCAL",
    "mlflow.runName": `${spec.workflow}-run`,
  };
  if (spec.traceTag !== false && !spec.noTrace) tags["configurable_agents.trace_id"] = traceId;
  if (unpriced.length) tags["configurable_agents.cost_unknown_models"] = unpriced.join(",");
  for (const [key, value] of Object.entries(params)) {
    db.prepare("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)").run(key, value, runId);
  }
  for (const [key, value] of Object.entries(tags)) {
    db.prepare("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)").run(key, value, runId);
  }
  for (const [key, value] of Object.entries(metrics)) {
    const row: SQLInputValue[] = [
      key,
      Number.isNaN(value) ? 0 : value,
      endTime,
      runId,
      0,
      Number.isNaN(value) ? 1 : 0,
    ];
    db.prepare(
      "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(...row);
    db.prepare(
      "INSERT INTO latest_metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(...row);
  }
  if (!spec.noTrace) insertTrace(db, spec, { runId, traceId, otelTraceId, nodeMs });
  return { runId, traceId, metrics };
}

interface TraceIds {
  runId: string;
  traceId: string;
  otelTraceId: string;
  nodeMs: number;
}

function insertTrace(db: DatabaseSync, spec: RunSpec, ids: TraceIds): void {
  const { traceId, otelTraceId } = ids;
  const calls = spec.nodes.flatMap((node) => node.calls);
  const usage = {
    input_tokens: calls.reduce((a, c) => a + c.input, 0),
    output_tokens: calls.reduce((a, c) => a + c.output, 0),
    total_tokens: calls.reduce((a, c) => a + c.input + c.output, 0),
  };
  const failed = spec.status !== "FINISHED";
  db.prepare(
    "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, " +
      "client_request_id, request_preview, response_preview) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
  ).run(
    traceId,
    spec.experimentId,
    spec.startTimeMs,
    spec.durationMs,
    failed ? "ERROR" : "OK",
    '{"topic": "tide pools"}',
    failed ? "" : '{"draft": "Tide pools are..."}',
  );
  const unpriced = [
    ...new Set(calls.filter((c) => c.cost === undefined).map((c) => `${c.provider}/${c.model}`)),
  ];
  // As the tracker tags a trace: its workflow, and the models it could not price.
  const tags: Record<string, string> = {
    "mlflow.traceName": `workflow_${spec.workflow}`,
    "mlflow.artifactLocation":
      `/home/user/project/mlruns/${spec.experimentId}/traces/${traceId}/artifacts`,
    "mlflow.trace.spansLocation": "TRACKING_STORE",
    "configurable_agents.workflow": spec.workflow,
  };
  if (unpriced.length) tags["configurable_agents.cost_unknown_models"] = unpriced.join(",");
  const metadata: Record<string, string> = {
    "mlflow.user": "root",
    "mlflow.trace_schema.version": "3",
    "mlflow.sourceRun": ids.runId,
    "mlflow.traceInputs": '{"topic": "tide pools"}',
    "mlflow.trace.tokenUsage": JSON.stringify(usage),
  };
  // `mlflow.trace.cost` only when every call had a price, as the tracker writes it.
  if (calls.length > 0 && unpriced.length === 0) {
    const total = calls.reduce((a, c) => a + (c.cost ?? 0), 0);
    metadata["mlflow.trace.cost"] = JSON.stringify({
      input_cost: total / 2,
      output_cost: total / 2,
      total_cost: total,
    });
  }
  for (const [key, value] of Object.entries(tags)) {
    db.prepare("INSERT INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)").run(
      key,
      value,
      traceId,
    );
  }
  for (const [key, value] of Object.entries(metadata)) {
    db.prepare("INSERT INTO trace_request_metadata (key, value, request_id) VALUES (?, ?, ?)")
      .run(key, value, traceId);
  }
  for (const [key, value] of Object.entries(usage)) {
    db.prepare("INSERT INTO trace_metrics (request_id, key, value) VALUES (?, ?, ?)").run(
      traceId,
      key,
      value,
    );
  }
  const start = BigInt(spec.startTimeMs) * 1_000_000n;
  const ms = (value: number) => BigInt(value) * 1_000_000n;
  const rootId = hexId(8);
  const spans: SpanRow[] = [{
    spanId: rootId,
    parentId: null,
    name: `workflow_${spec.workflow}`,
    type: "AGENT",
    start,
    end: start + ms(spec.durationMs),
    error: failed ? "WorkflowError: the run failed" : undefined,
    attributes: {
      workflow_name: spec.workflow,
      node_count: spec.nodes.length,
      "mlflow.spanInputs": { topic: "tide pools" },
    },
  }];
  spec.nodes.forEach((node, index) => {
    const nodeStart = start + ms(index * ids.nodeMs);
    const chainId = hexId(8);
    spans.push({
      spanId: chainId,
      parentId: rootId,
      name: node.id,
      type: "CHAIN",
      start: nodeStart,
      end: nodeStart + ms(ids.nodeMs - 1),
      error: node.error,
      attributes: { "mlflow.spanInputs": { text: "x" } },
    });
    node.calls.forEach((call, callIndex) => {
      const callStart = nodeStart + BigInt(callIndex) * 1000n;
      spans.push({
        spanId: hexId(8),
        parentId: chainId,
        name: "ChatModel",
        type: "CHAT_MODEL",
        start: callStart,
        end: callStart + 900n,
        attributes: {
          "mlflow.spanInputs": { messages: [{ role: "user", content: "Write" }] },
          "mlflow.chat.tokenUsage": {
            input_tokens: call.input,
            output_tokens: call.output,
            total_tokens: call.input + call.output,
          },
          "mlflow.llm.model": call.model,
          "mlflow.llm.provider": call.provider,
          ...(call.cost === undefined ? {} : {
            "mlflow.llm.cost": {
              input_cost: call.cost / 2,
              output_cost: call.cost / 2,
              total_cost: call.cost,
            },
          }),
        },
      });
    });
    if (node.tool) {
      spans.push({
        spanId: hexId(8),
        parentId: chainId,
        name: node.tool,
        type: "TOOL",
        start: nodeStart + 5000n,
        end: nodeStart + 6000n,
        attributes: { "mlflow.spanInputs": { query: "tide pools" } },
      });
    }
  });
  const hasDimensions =
    db.prepare("SELECT 1 FROM pragma_table_info('spans') WHERE name = 'dimension_attributes'")
      .get() !== undefined;
  for (const span of spans) {
    const content = storedSpanJson(span, traceId, otelTraceId);
    const columns = [
      traceId,
      spec.experimentId,
      span.spanId,
      span.parentId,
      span.name,
      span.type,
      span.error ? "ERROR" : "OK",
      span.start,
      span.end,
      content,
    ];
    if (hasDimensions) {
      db.prepare(
        "INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, " +
          "start_time_unix_nano, end_time_unix_nano, content, dimension_attributes) VALUES " +
          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(
        ...columns,
        span.type === "CHAT_MODEL"
          ? JSON.stringify({ "mlflow.llm.model": span.attributes["mlflow.llm.model"] })
          : "null",
      );
    } else {
      db.prepare(
        "INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, " +
          "start_time_unix_nano, end_time_unix_nano, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(...columns);
    }
  }
}

interface SpanRow {
  spanId: string;
  parentId: string | null;
  name: string;
  type: string;
  start: bigint;
  end: bigint;
  error?: string | undefined;
  attributes: Record<string, unknown>;
}

/** The stored span JSON of golden-trace-rows.json (`Span.to_dict()`). */
function storedSpanJson(span: SpanRow, traceId: string, otelTraceId: string): string {
  const attributes: Record<string, string> = {
    "mlflow.traceRequestId": JSON.stringify(traceId),
    "mlflow.spanType": JSON.stringify(span.type),
  };
  for (const [key, value] of Object.entries(span.attributes)) {
    attributes[key] = JSON.stringify(value);
  }
  const [type, message] = (span.error ?? "").split(": ");
  return JSON.stringify({
    trace_id: base64OfHex(otelTraceId),
    span_id: base64OfHex(span.spanId),
    parent_span_id: span.parentId === null ? null : base64OfHex(span.parentId),
    name: span.name,
    start_time_unix_nano: Number(span.start),
    end_time_unix_nano: Number(span.end),
    events: span.error
      ? [{
        name: "exception",
        time_unix_nano: Number(span.end),
        attributes: {
          "exception.message": message ?? span.error,
          "exception.type": type,
          "exception.stacktrace": "Traceback ...",
        },
      }]
      : [],
    status: span.error
      ? { code: "STATUS_CODE_ERROR", message: span.error }
      : { code: "STATUS_CODE_OK", message: "" },
    attributes,
  });
}
